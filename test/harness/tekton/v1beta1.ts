/**
 * Converts the simulator's v1 objects to what a Tekton `v1beta1` reader stored/saw
 * (Tekton < 0.50 defaults, Chains' older fixtures): `status.taskResults` /
 * `status.pipelineResults` instead of `status.results`, `spec.serviceAccountName` on the
 * PipelineRun, `taskRef.bundle` instead of the bundles resolver, and `provenance.configSource`
 * (the pre-0.45 name of `refSource`), so normalisers get the other shape to chew on.
 */
type Json = Record<string, unknown>;

function provenance(status: Json): void {
  const p = status['provenance'] as Json | undefined;
  if (p?.['refSource']) {
    p['configSource'] = p['refSource'];
    delete p['refSource'];
  }
}

function rename(o: Json, from: string, to: string): void {
  if (from in o) {
    o[to] = o[from];
    delete o[from];
  }
}

/** Embedded child statuses (`status.taskRuns` / `status.runs`) of the `full` embedded-status mode. */
function embed(status: Json, children: Json[], mode: 'minimal' | 'full' | 'both'): void {
  if (mode === 'minimal') return;
  const refs = (status['childReferences'] as Json[] | undefined) ?? [];
  const byName = new Map(children.map((c) => [(c['metadata'] as Json)['name'], c]));
  const taskRuns: Json = {};
  const runs: Json = {};
  for (const ref of refs) {
    const child = byName.get(ref['name']);
    if (!child) continue; // a deleted child has no status to embed
    const entry = { pipelineTaskName: ref['pipelineTaskName'], status: child['status'], ...(ref['whenExpressions'] ? { whenExpressions: ref['whenExpressions'] } : {}) };
    (ref['kind'] === 'TaskRun' ? taskRuns : runs)[ref['name'] as string] = entry;
  }
  if (Object.keys(taskRuns).length > 0) status['taskRuns'] = taskRuns;
  if (Object.keys(runs).length > 0) status['runs'] = runs;
  if (mode === 'full') delete status['childReferences'];
}

/**
 * v1 -> v1beta1. For a PipelineRun, `children` (already converted) and `embedded` control the
 * deprecated embedded child statuses.
 */
export function toV1beta1(obj: Json, children: Json[] = [], embedded: 'minimal' | 'full' | 'both' = 'minimal'): Json {
  const o = structuredClone(obj);
  if (o['kind'] === 'CustomRun') return o;
  o['apiVersion'] = 'tekton.dev/v1beta1';
  const meta = o['metadata'] as Json;
  for (const ref of (meta['ownerReferences'] as Json[] | undefined) ?? []) ref['apiVersion'] = 'tekton.dev/v1beta1';
  const spec = o['spec'] as Json;
  const status = o['status'] as Json | undefined;
  if (o['kind'] === 'TaskRun') {
    const ref = spec['taskRef'] as (Json & { params?: Array<{ name: string; value: unknown }> }) | undefined;
    if (ref?.['resolver'] === 'bundles') {
      const get = (n: string): unknown => ref.params?.find((p) => p.name === n)?.value;
      spec['taskRef'] = { name: get('name'), bundle: get('bundle'), kind: 'Task' };
    }
    if (status) rename(status, 'results', 'taskResults');
  } else if (o['kind'] === 'PipelineRun') {
    const trt = spec['taskRunTemplate'] as Json | undefined;
    if (trt) {
      spec['serviceAccountName'] = trt['serviceAccountName'];
      delete spec['taskRunTemplate'];
    }
    if (status) {
      rename(status, 'results', 'pipelineResults');
      for (const c of (status['childReferences'] as Json[] | undefined) ?? []) if (c['kind'] === 'TaskRun') c['apiVersion'] = 'tekton.dev/v1beta1';
      embed(status, children, embedded);
    }
  }
  if (status) provenance(status);
  return o;
}
