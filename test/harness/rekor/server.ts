import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultScript } from '../stand-in/faults.ts';
import { closeNow, listenLocal, readBounded } from '../stand-in/http.ts';
import { canonicalDsseBody, EntryRejected } from './dsse-entry.ts';
import { RekorLog, type LogEntryAnon } from './log.ts';

/**
 * A Rekor v1 stand-in on 127.0.0.1: `POST /api/v1/log/entries` (dsse v0.0.1, 201 or 409 with
 * the existing entry's URL), `GET /api/v1/log/entries?logIndex=N`, `GET .../entries/<uuid>`,
 * `GET /api/v1/log` and `/api/v1/log/publicKey`. Faults are finite scripts, so nothing loops:
 * - down: the socket is destroyed without an answer
 * - slow: the answer comes after `slowMs`
 * - garbage: a 201 whose body is not JSON
 * - wrong-set: a 201 whose SET has one byte flipped
 * - internal-error: a 500
 * - other-entry: a 201 carrying another envelope's entry (a log bug or a lying log)
 */
export type RekorFault = 'down' | 'slow' | 'garbage' | 'wrong-set' | 'internal-error' | 'other-entry';

export interface RekorStandInOptions {
  /** Largest request body accepted; bigger gets 413 as the public instance answers. */
  maxBodyBytes?: number;
  slowMs?: number;
  log?: RekorLog;
}

const ENTRIES = '/api/v1/log/entries';

export class RekorStandIn {
  readonly log: RekorLog;
  /** Method and path of every request received (no bodies). */
  readonly requests: Array<{ method: string; path: string; status: number }> = [];
  readonly #server: Server;
  readonly #maxBody: number;
  readonly #slowMs: number;
  readonly #faults = new FaultScript<RekorFault, 'GET' | 'POST'>();

  private constructor(server: Server, opts: RekorStandInOptions) {
    this.#server = server;
    this.log = opts.log ?? new RekorLog();
    this.#maxBody = opts.maxBodyBytes ?? 128 * 1024;
    this.#slowMs = opts.slowMs ?? 2000;
  }

  static async start(opts: RekorStandInOptions = {}): Promise<RekorStandIn> {
    const server = createServer();
    const standIn = new RekorStandIn(server, opts);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void standIn.#handle(req, res));
    await listenLocal(server);
    standIn.log.name = standIn.host;
    return standIn;
  }

  get host(): string {
    return `127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** `http://127.0.0.1:<port>`, what `transparency.url` is set to. */
  get url(): string {
    return `http://${this.host}`;
  }

  /** The next `count` requests (of `method`, or any) get this fault. */
  injectFaults(kind: RekorFault, count: number, method?: 'GET' | 'POST'): void {
    this.#faults.inject(kind, count, method);
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  count(method?: string): number {
    return this.requests.filter((r) => method === undefined || r.method === method).length;
  }

  async close(): Promise<void> {
    await closeNow(this.#server);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const record = { method, path: url.pathname + url.search, status: 0 };
    this.requests.push(record);
    if (this.requests.length > 1000) this.requests.shift();
    const body = await readBounded(req, this.#maxBody);
    const fault = this.#faults.take(method);
    if (fault === 'down') {
      req.socket.destroy();
      return;
    }
    if (fault === 'slow') await new Promise((r) => setTimeout(r, this.#slowMs));
    const send = (status: number, value: unknown, headers: Record<string, string> = {}): void => {
      record.status = status;
      if (res.destroyed) return;
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(text);
    };
    if (fault === 'internal-error') return send(500, { code: 500, message: 'error communicating with backend (injected)' });
    if (fault === 'garbage') return send(201, '<html>not rekor</html>');
    if (body === undefined) return send(413, { code: 413, message: `request body too large (limit ${this.#maxBody} bytes)` });
    if (method === 'POST' && url.pathname === ENTRIES) return this.#create(body, send, fault);
    if (method === 'GET' && url.pathname === ENTRIES) {
      const index = Number(url.searchParams.get('logIndex'));
      if (!Number.isInteger(index) || index < 0 || index >= this.log.size) return send(404, { code: 404, message: 'entry not found' });
      return send(200, this.#answer(index));
    }
    if (method === 'GET' && url.pathname.startsWith(`${ENTRIES}/`)) {
      const index = this.log.indexOf(url.pathname.slice(ENTRIES.length + 1));
      if (index === undefined) return send(404, { code: 404, message: 'entry not found' });
      return send(200, this.#answer(index));
    }
    if (method === 'GET' && url.pathname === '/api/v1/log/publicKey') {
      record.status = 200;
      res.writeHead(200, { 'content-type': 'application/x-pem-file' });
      return void res.end(this.log.publicKey.export({ type: 'spki', format: 'pem' }));
    }
    if (method === 'GET' && url.pathname === '/api/v1/log') {
      const size = this.log.size;
      return send(200, { treeSize: size, treeID: this.log.treeId, signedTreeHead: this.log.checkpoint(size) });
    }
    send(404, { code: 404, message: `no route ${method} ${url.pathname}` });
  }

  #create(body: Buffer, send: (status: number, value: unknown, headers?: Record<string, string>) => void, fault?: RekorFault): void {
    let canonical: Buffer;
    try {
      canonical = canonicalDsseBody(JSON.parse(body.toString('utf8')));
    } catch (err) {
      const message = err instanceof EntryRejected ? err.message : `invalid JSON: ${(err as Error).message}`;
      return send(400, { code: 400, message });
    }
    const { index, existed } = this.log.add(canonical);
    const entryId = this.log.entryId(this.log.uuidAt(index) as string);
    if (existed) {
      const location = `${ENTRIES}/${entryId}`;
      return send(409, { code: 409, message: `an equivalent entry already exists in the transparency log with UUID ${entryId}` }, { location });
    }
    if (fault === 'other-entry') {
      const other = this.log.add(Buffer.from(`{"apiVersion":"0.0.1","kind":"dsse","spec":{"injected":${Date.now()}}}`));
      return send(201, this.#answer(other.index));
    }
    const answer = this.#answer(index);
    if (fault === 'wrong-set') {
      const e = answer[entryId] as LogEntryAnon;
      const set = Buffer.from(e.verification.signedEntryTimestamp, 'base64');
      set[set.length - 1] = (set[set.length - 1] ?? 0) ^ 0x01;
      e.verification.signedEntryTimestamp = set.toString('base64');
    }
    send(201, answer, { location: `${ENTRIES}/${entryId}` });
  }

  #answer(index: number): Record<string, LogEntryAnon> {
    return { [this.log.entryId(this.log.uuidAt(index) as string)]: this.log.entry(index) };
  }
}
