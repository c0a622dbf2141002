import type { AdmissionRequest } from '../protocol/review.ts';
import type { NamespaceLabels } from '../kube/namespaces.ts';

export const ENFORCE_LABEL = 'tekton-provenance.dev/enforce';
/** Never checked, whatever their labels: the cluster's own system and ours (we must be able to start). */
export const ALWAYS_EXEMPT = ['kube-system'];

export type Scope = { check: true; namespace: string; labels: Record<string, string> } | { check: false; why: string };

/**
 * Whether a request is ours to judge: a CREATE or UPDATE of an object in a namespace
 * labelled `tekton-provenance.dev/enforce: "true"` that is neither kube-system nor our own.
 * The webhook configurations select on the same label; this is the second, server-side check.
 */
export async function scopeOf(req: AdmissionRequest, ownNamespace: string, namespaces: NamespaceLabels): Promise<Scope> {
  if (req.operation !== 'CREATE' && req.operation !== 'UPDATE') return { check: false, why: `operation ${req.operation}` };
  const namespace = req.namespace ?? req.object?.metadata?.namespace ?? '';
  if (namespace === '') return { check: false, why: 'not namespaced' };
  if (ALWAYS_EXEMPT.includes(namespace) || namespace === ownNamespace) return { check: false, why: `namespace ${namespace} is exempt` };
  const labels = await namespaces.labels(namespace);
  if (labels?.[ENFORCE_LABEL] !== 'true') return { check: false, why: `namespace ${namespace} is not labelled ${ENFORCE_LABEL}=true` };
  return { check: true, namespace, labels };
}
