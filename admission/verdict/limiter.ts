import { admissionError } from '../errors.ts';

/**
 * At most `concurrency` verifications at once, at most `maxQueued` waiting; beyond that a
 * review is refused at once (OVERLOADED) instead of piling up promises and sockets.
 */
export class Limiter {
  readonly #concurrency: number;
  readonly #maxQueued: number;
  #active = 0;
  readonly #queue: Array<() => void> = [];

  constructor(opts: { concurrency: number; maxQueued: number }) {
    this.#concurrency = Math.max(1, opts.concurrency);
    this.#maxQueued = Math.max(0, opts.maxQueued);
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#concurrency) {
      if (this.#queue.length >= this.#maxQueued) {
        throw admissionError('OVERLOADED', `${this.#active} verifications running and ${this.#queue.length} waiting: try again`);
      }
      // The finishing run hands its slot over: #active stays counted for us.
      await new Promise<void>((resolve) => this.#queue.push(resolve));
    } else {
      this.#active++;
    }
    try {
      return await fn();
    } finally {
      const next = this.#queue.shift();
      if (next) next();
      else this.#active--;
    }
  }
}
