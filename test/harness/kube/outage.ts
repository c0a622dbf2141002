/**
 * A full outage of the test API server for a while: 'refuse' closes the listener (clients get
 * ECONNREFUSED) and listens again on the same port; '503' keeps listening and answers 503.
 * One outage at a time (a new one ends the previous); `end()` stops it early.
 */
import type { WatchHub } from './watch.ts';

export interface OutageControl {
  /** Closes the listener and every connection (clients get ECONNREFUSED). */
  stopListening(): Promise<void>;
  /** Listens again on the same port (a no-op once the server is closed). */
  listenAgain(): Promise<void>;
}

export type OutageMode = 'refuse' | '503';

export class Outage {
  readonly #hub: WatchHub;
  readonly #control: OutageControl;
  #answer503 = false;
  #inEffect = false;
  #id = 0;
  #endedId = 0;
  #wake: (() => void) | undefined;

  constructor(hub: WatchHub, control: OutageControl) {
    this.#hub = hub;
    this.#control = control;
  }

  /** True while requests should get 503. */
  get answering503(): boolean {
    return this.#answer503;
  }

  /** True from the moment the outage is in effect until it is over. */
  get active(): boolean {
    return this.#inEffect;
  }

  async run(ms: number, mode: OutageMode): Promise<void> {
    this.end();
    const id = ++this.#id;
    this.#hub.dropAll(true);
    if (mode === 'refuse') await this.#control.stopListening();
    else this.#answer503 = true;
    this.#inEffect = true;
    // end() may have been called while the listener was closing.
    if (this.#endedId < id) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => this.end(), ms);
        this.#wake = () => {
          clearTimeout(timer);
          this.#wake = undefined;
          resolve();
        };
      });
    }
    if (id !== this.#id) return; // a newer outage took over
    this.#answer503 = false;
    if (mode === 'refuse') await this.#control.listenAgain();
    this.#inEffect = false;
  }

  end(): void {
    this.#endedId = this.#id;
    this.#wake?.();
  }
}
