/**
 * Input of the Tekton run simulator: the subset of Tekton `v1` Pipeline/Task specs it
 * understands, plus a script of how each pipeline task behaves (results, failures, retries).
 */

export type ParamValue = string | string[] | Record<string, string>;

export interface ParamSpec {
  name: string;
  type?: 'string' | 'array' | 'object';
  default?: ParamValue;
  description?: string;
  properties?: Record<string, { type: 'string' }>;
}

export interface Param {
  name: string;
  value: ParamValue;
}

/** A reference to a Task: by name (cluster), by bundle (v1beta1 field) or by resolver. */
export interface TaskRef {
  name?: string;
  kind?: string;
  /** v1beta1 `taskRef.bundle`; in v1 output it becomes `resolver: bundles`. */
  bundle?: string;
  resolver?: 'bundles' | 'git' | 'hub' | 'cluster' | 'http' | string;
  params?: Param[];
  /** Set for a custom task (creates a CustomRun), e.g. `example.dev/v1alpha1`. */
  apiVersion?: string;
}

export interface StepSpec {
  name: string;
  image: string;
  script?: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: Array<{ name: string; value: string }>;
}

export interface ResultSpec {
  name: string;
  type?: 'string' | 'array' | 'object';
  description?: string;
  properties?: Record<string, { type: 'string' }>;
}

export interface TaskSpec {
  description?: string;
  params?: ParamSpec[];
  results?: ResultSpec[];
  steps: StepSpec[];
  workspaces?: Array<{ name: string; description?: string }>;
}

export interface WhenExpression {
  input: string;
  operator: 'in' | 'notin';
  values: string[];
}

export interface PipelineTask {
  name: string;
  displayName?: string;
  taskRef?: TaskRef;
  taskSpec?: TaskSpec;
  params?: Param[];
  runAfter?: string[];
  retries?: number;
  when?: WhenExpression[];
  workspaces?: Array<{ name: string; workspace: string }>;
}

export interface PipelineResultSpec {
  name: string;
  type?: 'string' | 'array' | 'object';
  description?: string;
  value: ParamValue;
}

export interface PipelineSpec {
  description?: string;
  params?: ParamSpec[];
  tasks: PipelineTask[];
  finally?: PipelineTask[];
  results?: PipelineResultSpec[];
  workspaces?: Array<{ name: string }>;
}

/** Where a remote Task or Pipeline came from (TaskRun/PipelineRun `status.provenance.refSource`). */
export interface RefSource {
  uri: string;
  digest: Record<string, string>;
  entryPoint?: string;
}

/** How one pipeline task behaves in this simulated run. */
export interface TaskBehaviour {
  /** Results the task writes; `$(params.x)` in values refers to the TaskRun's params. */
  results?: Record<string, ParamValue>;
  /** `true`: every attempt fails; a number n: the first n attempts fail, then it succeeds. */
  fail?: boolean | number;
  /** Exit code of the failing step (default 1). */
  exitCode?: number;
  /** Seconds one attempt takes (default 10). */
  durationSeconds?: number;
  /** Extra seconds between its dependencies finishing and its start (default 0). */
  delaySeconds?: number;
  /** step name -> imageID (`repo@sha256:...`); default derived from the image name. */
  imageIDs?: Record<string, string>;
  /** The child is deleted while running (its TaskRun disappears, the PipelineRun still lists it). */
  deleteBeforeCompletion?: boolean;
  /** For taskRef tasks: where the resolved spec came from (bundle/git/hub). */
  refSource?: RefSource;
}

export interface RunInput {
  /** PipelineRun name (deterministic: children are `<name>-<task>`). */
  name: string;
  namespace: string;
  /** Name of the Pipeline (`pipelineRef.name`); absent = embedded `pipelineSpec`. */
  pipelineName?: string;
  /** `pipelineRef` resolved remotely: its provenance. */
  pipelineRefSource?: RefSource;
  pipeline: PipelineSpec;
  params?: Param[];
  /** Resolved specs of taskRef'd Tasks, by `taskRef.name` (what the cluster/bundle holds). */
  tasks?: Record<string, TaskSpec>;
  behaviour?: Record<string, TaskBehaviour>;
  /** Virtual start time (default: now, whole seconds). All times derive from it. */
  startTime?: Date;
  /** Seconds between the last child finishing and the PipelineRun's completionTime (default 1). */
  completionDelaySeconds?: number;
  /** Output shape (default v1). */
  apiVersion?: 'tekton.dev/v1' | 'tekton.dev/v1beta1';
  /**
   * v1beta1 only: Tekton's `embedded-status` flag of 0.35-0.44. `minimal` (default):
   * `childReferences`; `full`: the deprecated `status.taskRuns` / `status.runs` maps with each
   * child's whole status and NO childReferences; `both`: both.
   */
  embeddedStatus?: 'minimal' | 'full' | 'both';
  serviceAccountName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
