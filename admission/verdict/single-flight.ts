/**
 * Concurrent callers asking for the same key share one in-flight promise: a thousand reviews
 * of one image start one verification. The entry is dropped when the promise settles.
 */
export class SingleFlight<V> {
  readonly #inFlight = new Map<string, Promise<V>>();

  run(key: string, fn: () => Promise<V>): Promise<V> {
    const running = this.#inFlight.get(key);
    if (running) return running;
    const p = fn().finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, p);
    return p;
  }

  get size(): number {
    return this.#inFlight.size;
  }
}
