/**
 * Deletion as the apiserver and the garbage collector do it: an object with finalizers only
 * gets a deletionTimestamp; an object really removed takes its dependents (ownerReferences)
 * with it once none of their owners is left ("Background"; "Foreground" is treated the same),
 * or, with "Orphan", loses the ownerReference instead. Runs synchronously right after the
 * owner's DELETED event, so tests are deterministic (a real GC lags a little).
 */
import type { ObjectStore } from './store.ts';
import type { StoredObject } from './types.ts';
import { hasFinalizers, isBeingDeleted, timestamp } from './write-rules.ts';

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

/** Marks or removes `live`; returns what was stored and whether it is gone. */
export function deleteObject(
  store: ObjectStore,
  storage: string,
  live: StoredObject,
  policy: PropagationPolicy = 'Background',
): { object: StoredObject; gone: boolean } {
  if (hasFinalizers(live)) {
    if (isBeingDeleted(live)) return { object: live, gone: false };
    const next = structuredClone(live);
    next.metadata.deletionTimestamp = timestamp();
    next.metadata.deletionGracePeriodSeconds = 0;
    return { object: store.commit('MODIFIED', storage, next, live), gone: false };
  }
  const object = store.commit('DELETED', storage, live, live);
  collectDependents(store, live.metadata.uid, policy);
  return { object, gone: true };
}

/** Called after an object is gone: deletes (or orphans) what it owned. Bounded by the store size. */
export function collectDependents(
  store: ObjectStore,
  ownerUid: string,
  policy: PropagationPolicy = 'Background',
): void {
  const everything = store.all();
  const alive = new Set(everything.map((e) => e.object.metadata.uid));
  for (const { storage, object } of everything) {
    const refs = object.metadata.ownerReferences ?? [];
    if (!refs.some((r) => r.uid === ownerUid)) continue;
    const current = store.get(storage, object.metadata.namespace, object.metadata.name);
    if (current === undefined || current.metadata.uid !== object.metadata.uid) continue;
    if (policy === 'Orphan') {
      const next = structuredClone(current);
      next.metadata.ownerReferences = refs.filter((r) => r.uid !== ownerUid);
      if (next.metadata.ownerReferences.length === 0) delete next.metadata.ownerReferences;
      store.commit('MODIFIED', storage, next, current);
    } else if (!refs.some((r) => r.uid !== ownerUid && alive.has(String(r.uid)))) {
      deleteObject(store, storage, current, 'Background');
    }
  }
}
