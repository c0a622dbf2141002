/**
 * NamespaceLifecycle admission (opt-in with `requireNamespaces`): no create into a namespace
 * that has no Namespace object (404) or one being deleted (403), worded like the apiserver.
 */
import { KubeApiError, notFound, qualifiedName } from './status.ts';
import type { ObjectStore } from './store.ts';
import type { Target } from './verbs.ts';

export function admitNamespace(store: ObjectStore, t: Target): void {
  if (!t.def.namespaced || t.namespace === undefined) return;
  const ns = store.get('core/namespaces', undefined, t.namespace);
  if (ns === undefined) throw notFound('namespaces', '', t.namespace);
  if (ns.metadata.deletionTimestamp !== undefined) {
    const what = qualifiedName(t.def.resource, t.def.group, t.name ?? '');
    throw new KubeApiError(
      403,
      'Forbidden',
      `${what} is forbidden: unable to create new content in namespace ${t.namespace} because it is being terminated`,
      { group: t.def.group, kind: t.def.resource },
    );
  }
}
