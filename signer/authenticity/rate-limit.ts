/**
 * Failed authenticity checks per key, as token buckets in a bounded map: each failure takes a
 * token, tokens come back at `refillPerSecond`, and a key with no token left is refused
 * BEFORE any check runs (so a refused guess teaches nothing, and costs no Secret read).
 * Successes take nothing: a Trigger whose sender has the secret is never slowed down by them.
 * The map holds at most `maxKeys` keys; the least recently failed is forgotten first.
 */
export interface FailureLimiterOptions {
  /** Failures allowed in a burst per key (default 20). */
  burst?: number;
  /** Tokens regained per second per key (default 0.2: twelve failures a minute sustained). */
  refillPerSecond?: number;
  /** Keys remembered (default 4096). */
  maxKeys?: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class FailureLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #burst: number;
  readonly #refill: number;
  readonly #maxKeys: number;
  readonly #now: () => number;

  constructor(opts: FailureLimiterOptions = {}) {
    this.#burst = opts.burst ?? 20;
    this.#refill = opts.refillPerSecond ?? 0.2;
    this.#maxKeys = opts.maxKeys ?? 4096;
    this.#now = opts.now ?? Date.now;
  }

  /** True when every key still has a token for one more failure. */
  allows(keys: readonly string[]): boolean {
    return keys.every((k) => this.#tokens(k) >= 1);
  }

  /** Takes one token from each key. */
  failed(keys: readonly string[]): void {
    const at = this.#now();
    for (const key of keys) {
      const tokens = this.#tokens(key) - 1;
      this.#buckets.delete(key); // re-inserted last: the map's order is recency of failure
      this.#buckets.set(key, { tokens, at });
      while (this.#buckets.size > this.#maxKeys) {
        const oldest = this.#buckets.keys().next().value;
        if (oldest === undefined) break;
        this.#buckets.delete(oldest);
      }
    }
  }

  get size(): number {
    return this.#buckets.size;
  }

  #tokens(key: string): number {
    const b = this.#buckets.get(key);
    if (b === undefined) return this.#burst;
    return Math.min(this.#burst, b.tokens + ((this.#now() - b.at) / 1000) * this.#refill);
  }
}
