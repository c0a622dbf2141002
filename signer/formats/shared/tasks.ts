import type { MissingChild, PipelineTaskInfo, ResultValue, RunStatus, TaskRef, TaskRunInfo, TektonRun } from '../../model/types.ts';
import { invocation, type Invocation } from './invocation.ts';
import { stepImage } from './materials.ts';

/**
 * One step as Chains' StepAttestation serialises it (null where Go emits null): `container` is
 * the step name and `image` the digest-pinned `oci://` reference, as in Chains' own tests.
 */
export interface StepRecord {
  entryPoint: string;
  arguments: string[] | null;
  environment: { container: string; image: string };
  annotations: null;
}

/** One executed TaskRun in the TEP-0084 `buildConfig.tasks[]` layout (field order as Chains). */
export interface TaskRecord {
  name: string;
  after?: string[];
  ref: TaskRef;
  startedOn?: string;
  finishedOn?: string;
  /** The PipelineRun's `taskRunTemplate.serviceAccountName` (as Chains records it). */
  serviceAccountName?: string;
  status: RunStatus;
  steps: StepRecord[];
  invocation: Invocation;
  results: ResultValue[];
}

/** A child that is not in `tasks[]` and why (`buildConfig.incompleteTasks`). */
export interface IncompleteTask {
  name: string;
  taskRun: string;
  kind: string;
  reason: MissingChild['reason'];
}

/**
 * The executed tasks in execution order (TektonRun keeps TaskRuns sorted by start time; Chains
 * uses declaration order, TEP-0084 asks for execution order). As Chains: only TaskRuns that
 * completed, and not those whose status steps cannot be paired with their spec steps. A
 * finally task without `after` ran after the last executed non-finally task.
 */
export function taskRecords(run: TektonRun): TaskRecord[] {
  const declared = new Map<string, PipelineTaskInfo>();
  for (const t of [...run.pipelineRun.tasks, ...run.pipelineRun.finallyTasks]) declared.set(t.name, t);
  const executed = run.taskRuns.filter((tr) => tr.completionTime !== undefined && tr.stepsMatchSpec);
  const lastRegular = [...executed].reverse().find((tr) => declared.get(tr.pipelineTaskName)?.isFinally !== true);
  return executed.map((tr) => {
    const pt = declared.get(tr.pipelineTaskName);
    let after = pt?.after ?? [];
    if (after.length === 0 && pt?.isFinally && lastRegular) after = [lastRegular.pipelineTaskName];
    return record(tr, pt, after, run.pipelineRun.serviceAccountName);
  });
}

function record(tr: TaskRunInfo, pt: PipelineTaskInfo | undefined, after: string[], serviceAccountName: string | undefined): TaskRecord {
  // Spreads keep Chains' field order while omitting empty optional fields.
  return {
    name: tr.pipelineTaskName,
    ...(after.length > 0 ? { after: [...after] } : {}),
    ref: refOf(pt?.taskRef ?? tr.taskRef),
    ...(tr.startTime ? { startedOn: tr.startTime } : {}),
    ...(tr.completionTime ? { finishedOn: tr.completionTime } : {}),
    ...(serviceAccountName ? { serviceAccountName } : {}),
    status: tr.status,
    steps: tr.steps.map((s) => ({
      entryPoint: s.entryPoint,
      arguments: s.args.length > 0 ? s.args : null,
      environment: { container: s.name, image: stepImage(s.imageID) },
      annotations: null,
    })),
    invocation: invocation(tr.refSource, tr.params, tr.paramSpecs, tr.meta),
    results: tr.results.map((r) => (r.type ? { name: r.name, type: r.type, value: r.value } : { name: r.name, value: r.value })),
  };
}

/** kind/name/bundle first (the TEP's fields), then resolver and its params when used. */
function refOf(ref: TaskRef | undefined): TaskRef {
  if (ref === undefined) return {};
  const out: TaskRef = {};
  if (ref.kind !== undefined) out.kind = ref.kind;
  if (ref.name !== undefined) out.name = ref.name;
  if (ref.bundle !== undefined) out.bundle = ref.bundle;
  if (ref.resolver !== undefined) out.resolver = ref.resolver;
  if (ref.params !== undefined) out.params = ref.params;
  return out;
}

export function incompleteTasks(run: TektonRun): IncompleteTask[] {
  return run.missing.map((m) => ({ name: m.pipelineTaskName, taskRun: m.name, kind: m.kind, reason: m.reason }));
}
