import { childName, FEATURE_FLAGS, isoAt } from './common.ts';
import type { SimContext } from './common.ts';
import type { RunPlan, TaskPlan } from './schedule.ts';
import { isCustom } from './taskrun.ts';
import type { RunInput } from './types.ts';

type Json = Record<string, unknown>;

const started = (p: TaskPlan, now: number): boolean => p.attempts.length > 0 && (p.attempts[0]?.start ?? Infinity) <= now;
const finished = (p: TaskPlan, now: number): boolean => p.attempts.length > 0 && (p.attempts.at(-1)?.end ?? Infinity) <= now;

/** Tekton's pipeline spec after defaulting (param types filled in). */
export function defaultedPipelineSpec(input: RunInput): Json {
  const spec = structuredClone(input.pipeline) as unknown as Json & { params?: Array<Json & { default?: unknown }> };
  spec.params = (input.pipeline.params ?? []).map((p) => ({ ...p, type: p.type ?? (Array.isArray(p.default) ? 'array' : typeof p.default === 'object' ? 'object' : 'string') }));
  return spec;
}

/** Condition of the PipelineRun at `now`, with Tekton's counting message. */
function condition(plan: RunPlan, now: number, ctx: SimContext): Json {
  const done = now >= plan.end;
  const visibleSkipped = plan.tasks.filter((p) => p.state === 'skipped' && (done || p.memberOf === 'tasks'));
  const finishedTasks = plan.tasks.filter((p) => finished(p, now));
  const failed = finishedTasks.filter((p) => p.state === 'failed' || p.state === 'deleted');
  const incomplete = plan.tasks.filter((p) => p.state !== 'skipped' && !finished(p, now)).length;
  const base = `Tasks Completed: ${finishedTasks.length} (Failed: ${failed.length}, Cancelled 0)`;
  if (!done) {
    return { type: 'Succeeded', status: 'Unknown', reason: 'Running', message: `${base}, Incomplete: ${incomplete}, Skipped: ${visibleSkipped.length}`, lastTransitionTime: isoAt(ctx.t0, now) };
  }
  const status = failed.length > 0 ? 'False' : 'True';
  const reason = failed.length > 0 ? 'Failed' : visibleSkipped.length > 0 ? 'Completed' : 'Succeeded';
  return { type: 'Succeeded', status, reason, message: `${base}, Skipped: ${visibleSkipped.length}`, lastTransitionTime: isoAt(ctx.t0, plan.end) };
}

/** The PipelineRun (v1 shape) at `now` seconds after it started. */
export function buildPipelineRun(input: RunInput, plan: RunPlan, now: number, ctx: SimContext): Json {
  const spec: Json = {
    params: input.params ?? [],
    taskRunTemplate: { serviceAccountName: ctx.serviceAccountName },
    timeouts: { pipeline: '1h0m0s' },
  };
  if (input.pipelineName) {
    spec['pipelineRef'] = input.pipelineRefSource
      ? { resolver: 'git', params: [{ name: 'url', value: input.pipelineRefSource.uri }, { name: 'revision', value: Object.values(input.pipelineRefSource.digest)[0] }, { name: 'pathInRepo', value: input.pipelineRefSource.entryPoint ?? `${input.pipelineName}.yaml` }] }
      : { name: input.pipelineName };
  } else spec['pipelineSpec'] = input.pipeline;
  const status: Json = {
    conditions: [condition(plan, now, ctx)],
    startTime: isoAt(ctx.t0, 0),
    pipelineSpec: defaultedPipelineSpec(input),
    provenance: { ...(input.pipelineRefSource ? { refSource: input.pipelineRefSource } : {}), featureFlags: FEATURE_FLAGS },
  };
  const children = plan.tasks
    .filter((p) => started(p, now))
    .sort((a, b) => (a.attempts[0]?.start ?? 0) - (b.attempts[0]?.start ?? 0))
    .map((p) => ({
      apiVersion: isCustom(p) ? 'tekton.dev/v1beta1' : 'tekton.dev/v1',
      kind: isCustom(p) ? 'CustomRun' : 'TaskRun',
      name: childName(ctx.prName, p.task.name),
      pipelineTaskName: p.task.name,
      ...(p.task.displayName ? { displayName: p.task.displayName } : {}),
      ...(p.when && p.when.length > 0 ? { whenExpressions: p.when } : {}),
    }));
  if (children.length > 0) status['childReferences'] = children;
  const skipped = plan.tasks.filter((p) => p.state === 'skipped' && (now >= plan.end || p.memberOf === 'tasks'));
  if (skipped.length > 0) {
    status['skippedTasks'] = skipped.map((p) => ({ name: p.task.name, reason: p.skipReason, ...(p.when && p.when.length > 0 ? { whenExpressions: p.when } : {}) }));
  }
  if (plan.finallyStart !== undefined && now >= plan.finallyStart) status['finallyStartTime'] = isoAt(ctx.t0, plan.finallyStart);
  if (now >= plan.end) {
    status['completionTime'] = isoAt(ctx.t0, plan.end);
    if (plan.results.length > 0) status['results'] = plan.results;
  }
  const labels = { 'tekton.dev/pipeline': ctx.pipelineName, ...input.labels };
  return {
    apiVersion: 'tekton.dev/v1',
    kind: 'PipelineRun',
    metadata: { name: ctx.prName, namespace: ctx.namespace, labels, annotations: { ...input.annotations } },
    spec,
    status,
  };
}
