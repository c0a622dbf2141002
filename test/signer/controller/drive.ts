import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { simulatePipelineRun, type RunInput, type RunOp } from '../../harness/tekton/index.ts';

type Json = Record<string, unknown>;
const PLURAL: Record<string, string> = { PipelineRun: 'pipelineruns', TaskRun: 'taskruns', CustomRun: 'customruns' };

function target(obj: Json): { group: string; version: string; namespace: string; plural: string; name: string } {
  const [group = '', version = ''] = String(obj['apiVersion']).split('/');
  const meta = obj['metadata'] as { name: string; namespace: string };
  return { group, version, namespace: meta.namespace, plural: PLURAL[String(obj['kind'])] ?? '', name: meta.name };
}

/**
 * Plays the run simulator's writes (test/harness/tekton) against the API server while OUR
 * controller also writes the PipelineRun (finalizer, annotations). Status goes through a
 * merge patch of `/status`, so a concurrent metadata write does not make the simulated
 * Tekton controller fail with a stale resourceVersion (the real one retries on conflict).
 */
export async function drive(kc: KubeConfig, input: RunInput, opts: { beforeOp?: (op: RunOp) => Promise<boolean | void> | boolean | void } = {}): Promise<{ uid: string }> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const sim = simulatePipelineRun(input);
  const first = sim.snapshot(0).pipelineRun;
  const { status: _s, ...body } = first;
  const created = (await api.createNamespacedCustomObject({ ...target(first), body })) as Json;
  const uid = String((created['metadata'] as Json)['uid']);
  for (const op of sim.ops(uid)) {
    if (op.op === 'create' && op.object['kind'] === 'PipelineRun') continue;
    if (opts.beforeOp && (await opts.beforeOp(op)) === false) break;
    const t = target(op.object);
    if (op.op === 'create') {
      const { status: _st, ...child } = op.object;
      await api.createNamespacedCustomObject({ ...t, body: child });
      if (op.object['status']) {
        await api.patchNamespacedCustomObjectStatus({ ...t, body: { status: op.object['status'] } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
      }
    } else if (op.op === 'status') {
      await api.patchNamespacedCustomObjectStatus({ ...t, body: { status: op.object['status'] } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    } else {
      await api.deleteNamespacedCustomObject({ ...t });
    }
  }
  return { uid };
}
