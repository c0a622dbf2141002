import { bundleOf, bundleRefSource, childName, FEATURE_FLAGS, imageIdOf, isoAt, podName, valueType } from './common.ts';
import type { SimContext } from './common.ts';
import type { Attempt, TaskPlan } from './schedule.ts';
import type { ParamValue, TaskSpec } from './types.ts';

type Json = Record<string, unknown>;

/** True for a pipeline task that runs as a CustomRun (custom task reference). */
export function isCustom(p: TaskPlan): boolean {
  const ref = p.task.taskRef;
  return ref?.apiVersion !== undefined && ref.kind !== 'Task' && ref.kind !== 'ClusterTask';
}

/** The spec the TaskRun executes: inline, from `tasks`, or a one-step stand-in. */
export function resolvedTaskSpec(p: TaskPlan, tasks: Record<string, TaskSpec> | undefined): TaskSpec {
  if (p.task.taskSpec) return p.task.taskSpec;
  const name = p.task.taskRef?.name ?? p.task.taskRef?.params?.find((x) => x.name === 'name')?.value;
  const known = (typeof name === 'string' ? tasks?.[name] : undefined) ?? tasks?.[p.task.name];
  if (known) return known;
  return {
    params: p.params.map((x) => ({ name: x.name, type: valueType(x.value) })),
    results: Object.entries(p.behaviour.results ?? {}).map(([n, v]) => ({ name: n, type: valueType(v) })),
    steps: [{ name: 'run', image: `registry.example.com/sim/${String(name ?? p.task.name)}:latest`, script: '#!/bin/sh\ntrue\n' }],
  };
}

function labels(p: TaskPlan, ctx: SimContext, prUid: string): Record<string, string> {
  const l: Record<string, string> = {
    'app.kubernetes.io/managed-by': 'tekton-pipelines',
    'tekton.dev/memberOf': p.memberOf,
    'tekton.dev/pipeline': ctx.pipelineName,
    'tekton.dev/pipelineRun': ctx.prName,
    'tekton.dev/pipelineRunUID': prUid,
    'tekton.dev/pipelineTask': p.task.name,
  };
  const ref = p.task.taskRef;
  if (ref?.name && !isCustom(p)) l[ref.kind === 'ClusterTask' ? 'tekton.dev/clusterTask' : 'tekton.dev/task'] = ref.name;
  return l;
}

function steps(spec: TaskSpec, a: Attempt, now: number, ctx: SimContext, p: TaskPlan): Json[] {
  const n = spec.steps.length;
  const slice = (a.end - a.start) / n;
  return spec.steps.map((s, i) => {
    const from = Math.floor(a.start + i * slice);
    const to = i === n - 1 ? a.end : Math.floor(a.start + (i + 1) * slice);
    const failing = a.failed && i === n - 1;
    const base: Json = { name: s.name, container: `step-${s.name}`, imageID: p.behaviour.imageIDs?.[s.name] ?? imageIdOf(s.image) };
    if (now >= to) {
      base['terminated'] = {
        exitCode: failing ? (p.behaviour.exitCode ?? 1) : 0,
        reason: failing ? 'Error' : 'Completed',
        startedAt: isoAt(ctx.t0, from),
        finishedAt: isoAt(ctx.t0, to),
        containerID: `containerd://${s.name}-${a.start}`,
      };
      base['terminationReason'] = failing ? 'Error' : 'Completed';
    } else if (now >= from) base['running'] = { startedAt: isoAt(ctx.t0, from) };
    else base['waiting'] = { reason: 'PodInitializing' };
    return base;
  });
}

function attemptStatus(p: TaskPlan, i: number, now: number, ctx: SimContext, spec: TaskSpec): Json {
  const a = p.attempts[i] as Attempt;
  const name = childName(ctx.prName, p.task.name);
  const done = now >= a.end;
  const failedStep = spec.steps.at(-1)?.name ?? 'run';
  const condition = !done
    ? { type: 'Succeeded', status: 'Unknown', reason: 'Running', message: 'Not all Steps in the Task have finished executing' }
    : a.failed
      ? { type: 'Succeeded', status: 'False', reason: 'Failed', message: `"step-${failedStep}" exited with code ${p.behaviour.exitCode ?? 1}` }
      : { type: 'Succeeded', status: 'True', reason: 'Succeeded', message: 'All Steps have completed executing' };
  const s: Json = {
    conditions: [{ ...condition, lastTransitionTime: isoAt(ctx.t0, done ? a.end : a.start) }],
    podName: podName(name, i),
    startTime: isoAt(ctx.t0, a.start),
    steps: steps(spec, a, now, ctx, p),
  };
  if (done) s['completionTime'] = isoAt(ctx.t0, a.end);
  return s;
}

function results(values: Record<string, ParamValue>, typed: boolean): Json[] {
  return Object.entries(values).map(([name, value]) => (typed ? { name, type: valueType(value), value } : { name, value }));
}

/** The TaskRun (v1 shape) of plan `p` as the API server holds it at `now` (seconds). */
export function buildTaskRun(p: TaskPlan, now: number, ctx: SimContext, prUid: string, tasks?: Record<string, TaskSpec>): Json {
  const spec = resolvedTaskSpec(p, tasks);
  const current = p.attempts.reduce((acc, a, i) => (a.start <= now ? i : acc), 0);
  const status = attemptStatus(p, current, now, ctx, spec);
  const final = current === p.attempts.length - 1 && now >= (p.attempts[current] as Attempt).end;
  if (final && p.state === 'succeeded') status['results'] = results(p.results, true);
  status['taskSpec'] = spec;
  if (current > 0) status['retriesStatus'] = p.attempts.slice(0, current).map((_, i) => attemptStatus(p, i, now, ctx, spec));
  const bundle = bundleOf(p.task.taskRef);
  const refSource = p.behaviour.refSource ?? (bundle ? bundleRefSource(bundle, p.task.taskRef?.name ?? String(p.task.taskRef?.params?.find((x) => x.name === 'name')?.value ?? '')) : undefined);
  status['provenance'] = { ...(refSource ? { refSource } : {}), featureFlags: FEATURE_FLAGS };
  const taskRef = p.task.taskRef;
  const specOut: Json = { params: p.params, serviceAccountName: ctx.serviceAccountName, timeout: '1h0m0s' };
  if (taskRef) specOut['taskRef'] = taskRef.bundle ? { resolver: 'bundles', params: [{ name: 'bundle', value: taskRef.bundle }, { name: 'name', value: taskRef.name }, { name: 'kind', value: 'task' }] } : { kind: 'Task', ...taskRef };
  else specOut['taskSpec'] = p.task.taskSpec;
  return {
    apiVersion: 'tekton.dev/v1',
    kind: 'TaskRun',
    metadata: { name: childName(ctx.prName, p.task.name), namespace: ctx.namespace, labels: labels(p, ctx, prUid), annotations: {}, ownerReferences: [ownerRef(ctx, prUid)] },
    spec: specOut,
    status,
  };
}

/** The CustomRun (tekton.dev/v1beta1) of a custom-task plan at `now`. */
export function buildCustomRun(p: TaskPlan, now: number, ctx: SimContext, prUid: string): Json {
  const a = p.attempts.at(-1) as Attempt;
  const done = now >= a.end;
  const ok = p.state === 'succeeded';
  const status: Json = {
    conditions: [
      {
        type: 'Succeeded',
        status: !done ? 'Unknown' : ok ? 'True' : 'False',
        reason: !done ? 'Running' : ok ? 'Succeeded' : 'Failed',
        message: !done ? '' : ok ? 'custom task completed' : 'custom task failed',
        lastTransitionTime: isoAt(ctx.t0, done ? a.end : a.start),
      },
    ],
    startTime: isoAt(ctx.t0, p.attempts[0]?.start ?? 0),
    extraFields: {},
    observedGeneration: 1,
  };
  if (done) status['completionTime'] = isoAt(ctx.t0, a.end);
  if (done && ok) status['results'] = results(p.results, false);
  const { apiVersion, kind, name } = p.task.taskRef ?? {};
  return {
    apiVersion: 'tekton.dev/v1beta1',
    kind: 'CustomRun',
    metadata: { name: childName(ctx.prName, p.task.name), namespace: ctx.namespace, labels: labels(p, ctx, prUid), annotations: {}, ownerReferences: [ownerRef(ctx, prUid)] },
    spec: { customRef: { apiVersion, kind, ...(name ? { name } : {}) }, params: p.params, serviceAccountName: ctx.serviceAccountName, timeout: '1h0m0s' },
    status,
  };
}

function ownerRef(ctx: SimContext, uid: string): Json {
  return { apiVersion: ctx.apiVersion, kind: 'PipelineRun', name: ctx.prName, uid, controller: true, blockOwnerDeletion: true };
}
