/**
 * The object store: objects per storage key, one global monotonic resourceVersion (like etcd's
 * revision) and a bounded event history that watches replay from. Events older than the
 * history window are "compacted": resuming before them answers 410 Gone.
 */
import type { StoredObject } from './types.ts';

export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  storage: string;
  rv: number;
  object: StoredObject;
  /** The object before this write (MODIFIED/DELETED), for selector transitions on watches. */
  previous?: StoredObject;
}

export type StoreListener = (event: StoreEvent) => void;

function key(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

export class ObjectStore {
  #rv = 0;
  #compactedRv = 0;
  readonly #objects = new Map<string, Map<string, StoredObject>>();
  readonly #history: StoreEvent[] = [];
  readonly #listeners = new Set<StoreListener>();
  readonly historyLimit: number;

  constructor(historyLimit = 1000) {
    this.historyLimit = historyLimit;
  }

  get resourceVersion(): number {
    return this.#rv;
  }

  /** Events at or before this RV are gone from history. */
  get compactedResourceVersion(): number {
    return this.#compactedRv;
  }

  get(storage: string, namespace: string | undefined, name: string): StoredObject | undefined {
    const obj = this.#objects.get(storage)?.get(key(namespace, name));
    return obj === undefined ? undefined : structuredClone(obj);
  }

  /** Sorted by namespace then name, so pagination is stable. */
  list(storage: string, namespace?: string): StoredObject[] {
    const bucket = this.#objects.get(storage);
    if (bucket === undefined) return [];
    const out: StoredObject[] = [];
    for (const [k, obj] of [...bucket.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (namespace === undefined || k.startsWith(`${namespace}/`)) out.push(structuredClone(obj));
    }
    return out;
  }

  /** Every object with its storage key (for the garbage collector's owner scan). */
  all(): Array<{ storage: string; object: StoredObject }> {
    const out: Array<{ storage: string; object: StoredObject }> = [];
    for (const [storage, bucket] of this.#objects)
      for (const object of bucket.values()) out.push({ storage, object: structuredClone(object) });
    return out;
  }

  /** Writes `object` with the next resourceVersion, records the event and notifies watchers. */
  commit(
    type: StoreEvent['type'],
    storage: string,
    object: StoredObject,
    previous?: StoredObject,
  ): StoredObject {
    this.#rv += 1;
    const stored = structuredClone(object);
    stored.metadata.resourceVersion = String(this.#rv);
    let bucket = this.#objects.get(storage);
    if (bucket === undefined) {
      bucket = new Map();
      this.#objects.set(storage, bucket);
    }
    const k = key(stored.metadata.namespace, stored.metadata.name);
    if (type === 'DELETED') bucket.delete(k);
    else bucket.set(k, stored);
    const event: StoreEvent = { type, storage, rv: this.#rv, object: stored };
    if (previous !== undefined) event.previous = structuredClone(previous);
    this.#history.push(event);
    while (this.#history.length > this.historyLimit) {
      const dropped = this.#history.shift();
      if (dropped !== undefined) this.#compactedRv = dropped.rv;
    }
    for (const listener of this.#listeners) listener(event);
    return structuredClone(stored);
  }

  /** Events with rv > `since` for a storage key, or undefined when `since` is older than history. */
  eventsSince(storage: string, since: number): StoreEvent[] | undefined {
    if (since < this.#compactedRv) return undefined;
    return this.#history.filter((e) => e.rv > since && e.storage === storage);
  }

  /** Forget all history, as etcd compaction does: every older resourceVersion now answers 410. */
  compact(): void {
    this.#history.length = 0;
    this.#compactedRv = this.#rv;
  }

  subscribe(listener: StoreListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
