import type { Socket } from 'node:net';

/**
 * Writes that happen in the same tick leave in one syscall: the group commit resolves a whole
 * batch of events at once, and one writev beats one write per answer.
 */
export class CorkedWriter {
  readonly #socket: Socket;
  #corked = false;

  constructor(socket: Socket) {
    this.#socket = socket;
  }

  write(...buffers: Buffer[]): void {
    if (this.#socket.destroyed || this.#socket.writableEnded) return;
    if (!this.#corked) {
      this.#corked = true;
      this.#socket.cork();
      process.nextTick(() => {
        this.#corked = false;
        this.#socket.uncork();
      });
    }
    for (const b of buffers) this.#socket.write(b);
  }
}
