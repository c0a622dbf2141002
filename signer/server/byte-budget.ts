/**
 * Admits work by size, first come first served, so that the statements being parsed, signed
 * and stored at once hold at most `limit` bytes. Each statement costs the signer's heap a few
 * times its size while it is worked on (decoded text, parsed body, base64 payload), and the
 * Deployment caps the heap: a burst of 25 MiB webhooks must queue, not crash the process. A
 * statement bigger than the limit is admitted alone. Small events never wait in practice.
 */
export class ByteBudget {
  readonly #limit: number;
  #inUse = 0;
  readonly #waiting: { bytes: number; admit: () => void }[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Resolves once `bytes` fit; call the returned function exactly once when done. */
  async acquire(bytes: number): Promise<() => void> {
    if (this.#waiting.length > 0 || !this.#fits(bytes)) {
      await new Promise<void>((admit) => this.#waiting.push({ bytes, admit }));
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

  #fits(bytes: number): boolean {
    return this.#inUse === 0 || this.#inUse + bytes <= this.#limit;
  }

  #admitWaiting(): void {
    while (this.#waiting.length > 0 && this.#fits(this.#waiting[0]!.bytes)) {
      const next = this.#waiting.shift()!;
      this.#inUse += next.bytes;
      next.admit();
    }
  }
}
