import { isPast, limitError } from './errors.ts';

export interface ByteBudgetOptions {
  /**
   * Most bytes allowed to wait at once; a request that would queue past it is refused at once
   * with BUSY. Waiting costs (next to) nothing (an unread request stays in the kernel's socket
   * buffer), but every waiter still holds a connection and its caller's patience.
   */
  maxQueuedBytes?: number;
}

export interface AcquireOptions {
  /** Give up waiting at this time (ms since the epoch): rejects with DEADLINE_EXCEEDED. */
  deadline?: number;
}

interface Waiter {
  bytes: number;
  admit: () => void;
  refuse: (err: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Admits work by size, first come first served, so that what is being parsed, signed and
 * stored at once holds at most `limit` bytes. Each request costs the heap a few times its size
 * while it is worked on (decoded text, parsed body, statement, base64 payload), and the
 * Deployment caps the heap: a burst of 25 MiB webhooks must queue, then be refused with a
 * coded answer, not crash the process. A request bigger than the limit is admitted alone.
 * Small requests never wait in practice. Shared by the interceptor (request bytes) and the
 * signer (statement bytes).
 */
export class ByteBudget {
  readonly #limit: number;
  readonly #maxQueued: number;
  #inUse = 0;
  #queued = 0;
  readonly #waiting: Waiter[] = [];

  constructor(limit: number, opts: ByteBudgetOptions = {}) {
    this.#limit = limit;
    this.#maxQueued = opts.maxQueuedBytes ?? Number.POSITIVE_INFINITY;
  }

  /**
   * Resolves once `bytes` fit; call the returned function exactly once when done. Rejects with
   * BUSY when the queue is full, DEADLINE_EXCEEDED when `deadline` passes first.
   */
  async acquire(bytes: number, opts: AcquireOptions = {}): Promise<() => void> {
    if (isPast(opts.deadline)) throw limitError('DEADLINE_EXCEEDED', 'the deadline passed before the work was admitted');
    if (this.#waiting.length > 0 || !this.#fits(bytes)) {
      if (this.#queued + bytes > this.#maxQueued) {
        throw limitError('BUSY', `${this.#queued} bytes are already waiting (at most ${this.#maxQueued}); try again later`);
      }
      await new Promise<void>((admit, refuse) => {
        const waiter: Waiter = { bytes, admit, refuse, timer: undefined };
        if (opts.deadline !== undefined) {
          waiter.timer = setTimeout(() => this.#expire(waiter), Math.max(0, opts.deadline - Date.now()));
        }
        this.#waiting.push(waiter);
        this.#queued += bytes;
      });
    } else {
      this.#inUse += bytes;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#inUse -= bytes;
      this.#admitWaiting();
    };
  }

  /** Bytes admitted and not yet released (for tests and metrics). */
  get inUse(): number {
    return this.#inUse;
  }

  /** Bytes waiting to be admitted (for tests and metrics). */
  get queued(): number {
    return this.#queued;
  }

  #fits(bytes: number): boolean {
    return this.#inUse === 0 || this.#inUse + bytes <= this.#limit;
  }

  #admitWaiting(): void {
    while (this.#waiting.length > 0 && this.#fits(this.#waiting[0]!.bytes)) {
      const next = this.#waiting.shift()!;
      clearTimeout(next.timer);
      this.#queued -= next.bytes;
      this.#inUse += next.bytes;
      next.admit();
    }
  }

  /** A waiter whose deadline passed leaves the queue; those behind it may fit now. */
  #expire(waiter: Waiter): void {
    const at = this.#waiting.indexOf(waiter);
    if (at < 0) return;
    this.#waiting.splice(at, 1);
    this.#queued -= waiter.bytes;
    waiter.refuse(limitError('DEADLINE_EXCEEDED', 'the deadline passed while waiting for the byte budget'));
    this.#admitWaiting();
  }
}
