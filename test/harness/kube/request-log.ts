/**
 * What the server was asked, for assertions ("the controller retried twice"). Bounded; keeps
 * no bodies and no headers, so no secret ends up in it.
 */

export interface LoggedRequest {
  at: number;
  method: string;
  /** Path with query string. */
  url: string;
  status: number;
  durationMs: number;
  watch: boolean;
  /** The authenticated user (absent when authentication failed or a fault answered first). */
  user?: string;
  /** The injected fault that answered this request, if any. */
  fault?: 'fail' | 'conflict' | 'latency';
}

export class RequestLog {
  readonly #entries: LoggedRequest[] = [];
  readonly #limit: number;

  constructor(limit = 10_000) {
    this.#limit = limit;
  }

  add(entry: LoggedRequest): void {
    this.#entries.push(entry);
    if (this.#entries.length > this.#limit) this.#entries.shift();
  }

  get entries(): readonly LoggedRequest[] {
    return this.#entries;
  }

  /** Requests whose method and url match. */
  find(method: string | undefined, url: RegExp): LoggedRequest[] {
    return this.#entries.filter((e) => (method === undefined || e.method === method) && url.test(e.url));
  }

  clear(): void {
    this.#entries.length = 0;
  }
}
