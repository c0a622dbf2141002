import { childReferences } from '../model/pipelinerun.ts';
import type { ChildObject, ChildReference } from '../model/types.ts';
import { completionMs, isDone } from './filter.ts';
import type { KubeObject, TektonApi } from './kube/tekton-api.ts';

export type ChildrenState =
  | { ready: true; children: ChildObject[] }
  | { ready: false; waitMs: number; reason: string };

const isCustomRunKind = (ref: ChildReference): boolean => ref.kind === 'CustomRun' || ref.kind === 'Run';

/**
 * Fetches every child in `status.childReferences` from the API (never the deprecated embedded
 * statuses). All done: ready. A child still running, deleted, or a CustomRun still running
 * holds the run back, but only until `graceMs` after the run's completion: then it is attested
 * with what exists and the model records the gap (`deleted` / `customrun`) in completeness.
 * Chains waits forever in these cases.
 */
export async function collectChildren(api: TektonApi, pr: KubeObject, graceMs: number, now = Date.now()): Promise<ChildrenState> {
  const refs = childReferences((pr.status ?? {}) as Record<string, unknown>, 'PipelineRun.status');
  const namespace = pr.metadata?.namespace ?? '';
  const children: ChildObject[] = [];
  const pending: string[] = [];
  for (const ref of refs) {
    if (isCustomRunKind(ref)) {
      const version = ref.apiVersion?.startsWith('tekton.dev/') ? ref.apiVersion.slice('tekton.dev/'.length) : 'v1beta1';
      const custom = ref.kind === 'CustomRun' ? await api.get('CustomRun', namespace, ref.name, version) : undefined;
      if (!custom || !isDone(custom)) pending.push(`${ref.kind} ${ref.name} ${custom ? 'is running' : 'is missing'}`);
      children.push({ ref, state: 'customrun' });
      continue;
    }
    const object = await api.get('TaskRun', namespace, ref.name);
    if (!object) {
      pending.push(`TaskRun ${ref.name} is deleted`);
      children.push({ ref, state: 'deleted' });
    } else {
      if (!isDone(object)) pending.push(`TaskRun ${ref.name} is running`);
      children.push({ ref, object, state: 'found' });
    }
  }
  if (pending.length === 0) return { ready: true, children };
  const deadline = completionMs(pr) + graceMs;
  if (now < deadline) return { ready: false, waitMs: Math.min(deadline - now, 2_000), reason: pending.join('; ') };
  return { ready: true, children };
}
