/** What a handler asks of the queue after one attempt. */
export interface HandleResult {
  /** Reconcile this key again after this delay (waiting for children, backoff). */
  requeueAfterMs?: number;
}

interface Entry {
  key: string;
  /** Higher first: the completion time (ms) of the run, so new runs overtake a backlog. */
  priority: number;
}

/**
 * The reconcile queue. Holds keys and priorities only (objects are fetched on demand, so a
 * backlog of thousands costs kilobytes). A key is queued at most once (dedup), processed by
 * one worker at a time (a key added while in flight is run again afterwards), with at most
 * `workers` keys in flight, highest priority (newest completion) first.
 */
export class WorkQueue {
  readonly #workers: number;
  readonly #handle: (key: string) => Promise<HandleResult>;
  readonly #heap: Entry[] = [];
  readonly #queued = new Map<string, number>(); // key -> priority while in the heap
  readonly #inFlight = new Set<string>();
  readonly #dirty = new Map<string, number>(); // added while in flight
  readonly #delayed = new Map<string, NodeJS.Timeout>();
  #stopped = false;
  #idleWaiters: Array<() => void> = [];

  constructor(workers: number, handle: (key: string) => Promise<HandleResult>) {
    this.#workers = workers;
    this.#handle = handle;
  }

  get depth(): number {
    return this.#heap.length + this.#delayed.size;
  }

  add(key: string, priority: number): void {
    if (this.#stopped) return;
    if (this.#inFlight.has(key)) {
      this.#dirty.set(key, Math.max(priority, this.#dirty.get(key) ?? -Infinity));
      return;
    }
    const timer = this.#delayed.get(key);
    if (timer) return; // backing off: the timer re-adds it
    const existing = this.#queued.get(key);
    if (existing !== undefined) return;
    this.#queued.set(key, priority);
    this.#push({ key, priority });
    this.#pump();
  }

  /** Re-adds `key` after `ms` (a later add before then does not shorten the wait). */
  addAfter(key: string, priority: number, ms: number): void {
    if (this.#stopped || this.#delayed.has(key)) return;
    const timer = setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key, priority);
    }, ms);
    timer.unref();
    this.#delayed.set(key, timer);
  }

  stop(): void {
    this.#stopped = true;
    for (const t of this.#delayed.values()) clearTimeout(t);
    this.#delayed.clear();
    this.#heap.length = 0;
    this.#queued.clear();
  }

  /** Resolves when nothing is queued or in flight (delayed keys do not count). */
  idle(): Promise<void> {
    if (this.#heap.length === 0 && this.#inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #pump(): void {
    while (!this.#stopped && this.#inFlight.size < this.#workers && this.#heap.length > 0) {
      const entry = this.#pop() as Entry;
      this.#queued.delete(entry.key);
      this.#inFlight.add(entry.key);
      void this.#run(entry);
    }
    if (this.#heap.length === 0 && this.#inFlight.size === 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  async #run(entry: Entry): Promise<void> {
    let result: HandleResult;
    try {
      result = await this.#handle(entry.key);
    } catch {
      result = { requeueAfterMs: 1000 }; // handlers report their own errors; never lose the key
    }
    this.#inFlight.delete(entry.key);
    const dirty = this.#dirty.get(entry.key);
    this.#dirty.delete(entry.key);
    if (result.requeueAfterMs !== undefined) this.addAfter(entry.key, entry.priority, result.requeueAfterMs);
    else if (dirty !== undefined) this.add(entry.key, dirty);
    this.#pump();
  }

  // A binary max-heap on priority.
  #push(e: Entry): void {
    const h = this.#heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if ((h[p] as Entry).priority >= e.priority) break;
      h[i] = h[p] as Entry;
      i = p;
    }
    h[i] = e;
  }

  #pop(): Entry | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        const pm = () => (m === i ? last.priority : (h[m] as Entry).priority);
        if (l < h.length && (h[l] as Entry).priority > pm()) m = l;
        if (r < h.length && (h[r] as Entry).priority > pm()) m = r;
        if (m === i) break;
        h[i] = h[m] as Entry;
        i = m;
      }
      h[i] = last;
    }
    return top;
  }
}
