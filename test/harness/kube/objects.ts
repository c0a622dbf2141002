/**
 * Direct access for tests: seed and read objects without HTTP. `put` stores an object as given
 * (status included, no subresource rules) with server metadata filled, and emits watch events
 * like any write. `delete` follows the finalizer rules of a real delete.
 */
import type { ResourceDef, ResourceTable } from './resources.ts';
import { apiVersionOf } from './resources.ts';
import type { ObjectStore } from './store.ts';
import type { KubeObject, StoredObject } from './types.ts';
import type { Verbs } from './verbs.ts';
import { validate } from './validation.ts';
import { prepareCreate } from './write-rules.ts';

export class ObjectAccess {
  readonly #table: ResourceTable;
  readonly #store: ObjectStore;
  readonly #verbs: Verbs;

  constructor(table: ResourceTable, store: ObjectStore, verbs: Verbs) {
    this.#table = table;
    this.#store = store;
    this.#verbs = verbs;
  }

  /** The resource definition for an apiVersion and a kind or plural resource name. */
  resource(apiVersion: string, kindOrResource: string): ResourceDef {
    const def = this.#table.find(apiVersion, kindOrResource);
    if (def === undefined)
      throw new Error(`the test API server does not serve ${apiVersion} ${kindOrResource}`);
    return def;
  }

  /** Creates or replaces `obj` (needs apiVersion, kind, metadata.name, and namespace if namespaced). */
  put<T extends KubeObject>(obj: T): T & StoredObject {
    const def = this.resource(obj.apiVersion ?? '', obj.kind ?? '');
    const namespace = def.namespaced ? (obj.metadata?.namespace ?? 'default') : undefined;
    const live = this.#store.get(def.storage, namespace, obj.metadata?.name ?? '');
    const fresh = prepareCreate(
      def,
      { ...obj, metadata: { ...obj.metadata, namespace } },
      namespace,
      obj.apiVersion ?? apiVersionOf(def),
    );
    if (obj.status !== undefined) fresh.status = structuredClone(obj.status);
    if (live === undefined) return this.#store.commit('ADDED', def.storage, fresh) as T & StoredObject;
    const next: StoredObject = {
      ...fresh,
      metadata: {
        ...fresh.metadata,
        uid: live.metadata.uid,
        creationTimestamp: live.metadata.creationTimestamp,
      },
    };
    if (def.crd) next.metadata.generation = (live.metadata.generation ?? 0) + 1;
    validate(def, next);
    return this.#store.commit('MODIFIED', def.storage, next, live) as T & StoredObject;
  }

  get<T extends KubeObject = KubeObject>(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
  ): (T & StoredObject) | undefined {
    const def = this.resource(apiVersion, kind);
    return this.#store.get(def.storage, def.namespaced ? namespace : undefined, name) as
      (T & StoredObject) | undefined;
  }

  list<T extends KubeObject = KubeObject>(
    apiVersion: string,
    kind: string,
    namespace?: string,
  ): Array<T & StoredObject> {
    const def = this.resource(apiVersion, kind);
    return this.#store.list(def.storage, def.namespaced ? namespace : undefined) as Array<T & StoredObject>;
  }

  /** Deletes like the API does: with finalizers the object only gets a deletionTimestamp. */
  delete(apiVersion: string, kind: string, namespace: string | undefined, name: string): void {
    const def = this.resource(apiVersion, kind);
    const target = def.namespaced ? { def, namespace: namespace ?? 'default', name } : { def, name };
    this.#verbs.delete(target, undefined);
  }

  /**
   * Resolves with the object once `predicate` holds (checked on every write), or rejects after
   * `timeoutMs`. For tests waiting on a controller's effect without polling.
   */
  waitFor<T extends KubeObject = KubeObject>(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
    predicate: (obj: (T & StoredObject) | undefined) => boolean,
    timeoutMs = 5000,
  ): Promise<(T & StoredObject) | undefined> {
    const check = (): (T & StoredObject) | undefined => this.get<T>(apiVersion, kind, namespace, name);
    return new Promise((resolve, reject) => {
      const first = check();
      if (predicate(first)) return resolve(first);
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${kind} ${namespace ?? ''}/${name}`));
      }, timeoutMs);
      const unsubscribe = this.#store.subscribe(() => {
        // A throwing predicate must not break the write that notified us: reject instead.
        let done: boolean;
        const current = check();
        try {
          done = predicate(current);
        } catch (err) {
          clearTimeout(timer);
          unsubscribe();
          reject(err as Error);
          return;
        }
        if (!done) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(current);
      });
    });
  }
}
