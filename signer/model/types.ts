/**
 * The typed TektonRun model every attestation format reads. PipelineRun and TaskRun objects
 * (tekton.dev/v1 or v1beta1) are normalised into these types once, at the edge
 * (`normaliseRun`), so no format ever branches on API versions or touches `unknown`.
 */

/** Plain JSON, for the few places that keep an object verbatim (statuses, raw values). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A Tekton param/result value: string, array of strings, or object of strings. */
export type ParamValue = string | string[] | Record<string, string>;

export interface Param {
  name: string;
  value: ParamValue;
}

export interface ParamSpec {
  name: string;
  type: 'string' | 'array' | 'object';
  default?: ParamValue;
}

export interface ResultValue {
  name: string;
  /** The declared result type when the status carries it (`string`, `array`, `object`). */
  type?: string;
  value: ParamValue;
}

/** Where a Pipeline/Task definition came from (status.provenance.refSource, v1beta1 configSource). */
export interface RefSource {
  uri: string;
  digest: Record<string, string>;
  entryPoint: string;
}

/**
 * How a pipeline task names its Task. `bundle` is set for v1beta1 `taskRef.bundle` and for the
 * `bundles` resolver (whose `bundle`/`name`/`kind` params are lifted into kind/name/bundle).
 */
export interface TaskRef {
  kind?: string;
  name?: string;
  bundle?: string;
  resolver?: string;
  params?: Param[];
}

export interface ObjectMeta {
  name: string;
  namespace: string;
  uid: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** The `Succeeded` condition reduced to what attestations show. */
export type RunStatus = 'Succeeded' | 'Failed' | 'Running';

/** One step: its spec (from status.taskSpec) joined with its state (status.steps[]). */
export interface StepInfo {
  name: string;
  /** `command` joined by spaces, or the script when there is one (as Chains does). */
  entryPoint: string;
  args: string[];
  /** Container name, e.g. `step-build`. */
  container: string;
  /** The image as resolved by the kubelet (`imageID`), digest-pinned when the runtime knows it. */
  imageID: string;
  /** The image as written in the spec (may be a tag or a param reference). */
  image: string;
  /** StepAction results (`status.steps[].results`): Chains reads them with deep inspection. */
  results: ResultValue[];
  /** Where a remote StepAction came from (`status.steps[].provenance.refSource`). */
  refSource?: RefSource;
}

/** A pipeline task as declared in the resolved pipeline spec (status.pipelineSpec). */
export interface PipelineTaskInfo {
  name: string;
  taskRef?: TaskRef;
  /** Explicit runAfter plus tasks referenced by `$(tasks.X.results...)` in params/when, deduped. */
  after: string[];
  params: Param[];
  isFinally: boolean;
}

export interface TaskRunInfo {
  apiVersion: string;
  meta: ObjectMeta;
  /** Name of the pipeline task this TaskRun executes (label `tekton.dev/pipelineTask` or childReference). */
  pipelineTaskName: string;
  /** taskRef from the TaskRun spec (the pipeline task's ref is preferred by formats). */
  taskRef?: TaskRef;
  params: Param[];
  paramSpecs: ParamSpec[];
  steps: StepInfo[];
  /** `status.sidecars[].imageID`: sidecar images are materials too (as Chains records them). */
  sidecarImageIDs: string[];
  results: ResultValue[];
  startTime?: string;
  completionTime?: string;
  status: RunStatus;
  refSource?: RefSource;
  /**
   * Chains' rule for pairing status.steps with status.taskSpec.steps by index: same count and
   * no `unnamed-` step against a named spec step. Chains leaves a TaskRun that fails it out of
   * the v0.2 `buildConfig.tasks` (its steps cannot be described).
   */
  stepsMatchSpec: boolean;
  /** The TaskRun status verbatim (JSON), for the `tekton` format. */
  rawStatus: JsonObject;
  /** The whole TaskRun verbatim (JSON): the `content` of slsa-tekton `pipelineTask` dependencies. */
  raw: JsonObject;
}

export interface PipelineRunInfo {
  apiVersion: string;
  meta: ObjectMeta;
  pipelineRef?: TaskRef;
  /** `spec.taskRunTemplate.serviceAccountName` (v1beta1 `spec.serviceAccountName`). */
  serviceAccountName?: string;
  params: Param[];
  paramSpecs: ParamSpec[];
  tasks: PipelineTaskInfo[];
  finallyTasks: PipelineTaskInfo[];
  results: ResultValue[];
  startTime?: string;
  completionTime?: string;
  status: RunStatus;
  refSource?: RefSource;
  childReferences: ChildReference[];
  /** The PipelineRun spec and status verbatim (JSON), for the `tekton` format and runSpec. */
  rawSpec: JsonObject;
  rawStatus: JsonObject;
}

/** `status.childReferences[]` (v1, and v1beta1 with minimal embedded status). */
export interface ChildReference {
  apiVersion?: string;
  kind: string;
  name: string;
  pipelineTaskName: string;
}

/** A child of a PipelineRun as the caller found it: the object, or why there is none. */
export interface ChildObject {
  ref: ChildReference;
  object?: object;
  state: 'found' | 'deleted' | 'customrun';
}

/** A child that could not be attested: the attestation says so (completeness false). */
export interface MissingChild {
  name: string;
  pipelineTaskName: string;
  kind: string;
  /** `not-exported`: `attest` was not given its TaskRun (it may still exist in the cluster). */
  reason: 'deleted' | 'customrun' | 'not-exported';
}

export interface TektonRun {
  pipelineRun: PipelineRunInfo;
  /** Every TaskRun found, in start-time order (ties by name). */
  taskRuns: TaskRunInfo[];
  missing: MissingChild[];
}
