import { isProvenanceError, ProvenanceError } from '../errors.ts';

/** Bounded retries with exponential backoff; every number has a ceiling so nothing loops. */
export interface TransportOptions {
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Retries after the first attempt for network errors, timeouts, 5xx and 429 (default 3). */
  retries?: number;
  /** First backoff (default 250 ms), doubled per retry up to `maxBackoffMs` (default 4 s), with jitter. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Largest answer read (default 4 MiB): a log entry is a few KiB. */
  maxResponseBytes?: number;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: Buffer;
}

/**
 * The raw HTTP layer of the log client: fetch with a timeout, bounded retries of what is
 * transient, and nothing else. Non-transient statuses (2xx, 4xx) are returned as they are;
 * the domain client turns them into coded errors.
 */
export class HttpTransport {
  readonly #o: Required<TransportOptions>;
  readonly #service: string;

  /** `service` prefixes the error codes: `TLOG_UNREACHABLE`, `FULCIO_TIMEOUT`, ... */
  constructor(o: TransportOptions = {}, service: 'TLOG' | 'FULCIO' = 'TLOG') {
    this.#service = service;
    this.#o = {
      timeoutMs: o.timeoutMs ?? 10_000, retries: Math.min(o.retries ?? 3, 10), backoffMs: o.backoffMs ?? 250,
      maxBackoffMs: o.maxBackoffMs ?? 4000, maxResponseBytes: o.maxResponseBytes ?? 4 * 1024 * 1024,
    };
  }

  async request(method: 'GET' | 'POST', url: string, body?: string): Promise<HttpAnswer> {
    let last: { code: 'UNREACHABLE' | 'TIMEOUT' | 'SERVER_ERROR'; message: string; cause?: unknown } | undefined;
    for (let attempt = 0; attempt <= this.#o.retries; attempt++) {
      if (attempt > 0) await sleep(this.#backoff(attempt));
      try {
        const res = await fetch(url, {
          method,
          headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(body !== undefined ? { body } : {}),
          signal: AbortSignal.timeout(this.#o.timeoutMs),
        });
        const answer = { status: res.status, headers: res.headers, body: await readBounded(res, this.#o.maxResponseBytes) };
        if (res.status >= 500 || res.status === 429) {
          last = { code: 'SERVER_ERROR', message: `${method} ${url} answered HTTP ${res.status}: ${answer.body.toString('utf8').slice(0, 200)}` };
          continue;
        }
        return answer;
      } catch (err) {
        if (isProvenanceError(err)) throw err;
        const timedOut = (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError';
        last = timedOut
          ? { code: 'TIMEOUT', message: `${method} ${url}: no answer within ${this.#o.timeoutMs} ms`, cause: err }
          : { code: 'UNREACHABLE', message: `${method} ${url}: ${describe(err)}`, cause: err };
      }
    }
    const l = last as NonNullable<typeof last>;
    throw new ProvenanceError(`${this.#service}_${l.code}`, `${l.message} (gave up after ${this.#o.retries + 1} attempts)`, l.cause === undefined ? undefined : { cause: l.cause });
  }

  #backoff(attempt: number): number {
    const base = Math.min(this.#o.backoffMs * 2 ** (attempt - 1), this.#o.maxBackoffMs);
    return base / 2 + Math.random() * (base / 2);
  }
}

async function readBounded(res: Response, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  if (!res.body) return Buffer.alloc(0);
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > limit) throw new ProvenanceError('RESPONSE_TOO_LARGE', `answer exceeds ${limit} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
