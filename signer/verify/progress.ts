/**
 * A one-line progress bar on a terminal's stderr; silent when stderr is not a TTY, so logs
 * and pipes stay clean. Redraws at most every 100 ms.
 */
export class ProgressBar {
  readonly #out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly #total: number;
  #done = 0;
  #failed = 0;
  #last = 0;

  constructor(out: NodeJS.WritableStream & { isTTY?: boolean }, total: number) {
    this.#out = out;
    this.#total = total;
  }

  get enabled(): boolean {
    return this.#out.isTTY === true && this.#total > 1;
  }

  tick(ok: boolean): void {
    this.#done++;
    if (!ok) this.#failed++;
    const now = Date.now();
    if (!this.enabled || (now - this.#last < 100 && this.#done < this.#total)) return;
    this.#last = now;
    const width = 30;
    const filled = Math.round((this.#done / this.#total) * width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    // "checked", not "verified": a failed attestation is checked but not verified.
    const passed = this.#done - this.#failed;
    this.#out.write(`\r[${bar}] ${this.#done}/${this.#total} checked: ${passed} passed, ${this.#failed} failed`);
    if (this.#done === this.#total) this.#out.write('\n');
  }
}
