import { createPublicKey, type KeyObject } from 'node:crypto';
import { fromRekor, type TlogEntryJson } from './entry.ts';
import { tlogError } from './errors.ts';
import { HttpTransport, type HttpAnswer } from '../remote/transport.ts';

const ENTRIES = '/api/v1/log/entries';

/**
 * The Rekor v1 domain client: entries in, log entries or coded errors out. Retries live in
 * the transport; this layer names what an answer means (409 = already logged: fetch it;
 * 413 = too large, permanent; other 4xx = refused, permanent; unparseable = bad response).
 */
export class RekorClient {
  readonly url: string;
  readonly #http: HttpTransport;

  constructor(url: string, http = new HttpTransport()) {
    this.url = url.replace(/\/+$/, '');
    this.#http = http;
  }

  /** POST a proposed entry; on 409 the existing entry is fetched and returned instead. */
  async createEntry(proposed: object): Promise<{ uuid: string; entry: TlogEntryJson; existed: boolean }> {
    const body = JSON.stringify(proposed);
    const res = await this.#http.request('POST', `${this.url}${ENTRIES}`, body);
    if (res.status === 201 || res.status === 200) return { ...fromRekor(parseJson(res)), existed: false };
    if (res.status === 409) {
      const location = res.headers.get('location') ?? '';
      const id = /[0-9a-f]{64,80}$/.exec(location)?.[0] ?? /[0-9a-f]{64,80}/.exec(res.body.toString('utf8'))?.[0];
      if (!id) throw tlogError('TLOG_BAD_RESPONSE', 'the log answered 409 (already logged) without naming the entry');
      return { ...(await this.getByUuid(id)), existed: true };
    }
    if (res.status === 413) {
      throw tlogError('TLOG_TOO_LARGE', `the log refused the entry as too large (${Buffer.byteLength(body)} bytes sent; ${this.url} limits request bodies): the attestation cannot be logged there, make it smaller or use a log with a higher limit`);
    }
    if (res.status >= 400 && res.status < 500) {
      throw tlogError('TLOG_REJECTED', `the log refused the entry (HTTP ${res.status}): ${message(res)}`);
    }
    throw tlogError('TLOG_BAD_RESPONSE', `unexpected HTTP ${res.status} from ${this.url}${ENTRIES}`);
  }

  async getByUuid(uuid: string): Promise<{ uuid: string; entry: TlogEntryJson }> {
    return this.#get(`${ENTRIES}/${uuid}`);
  }

  async getByIndex(index: number): Promise<{ uuid: string; entry: TlogEntryJson }> {
    return this.#get(`${ENTRIES}?logIndex=${index}`);
  }

  /** The log's public key (`/api/v1/log/publicKey`, PEM). */
  async publicKey(): Promise<KeyObject> {
    const res = await this.#http.request('GET', `${this.url}/api/v1/log/publicKey`);
    if (res.status !== 200) throw tlogError('TLOG_BAD_RESPONSE', `GET ${this.url}/api/v1/log/publicKey answered HTTP ${res.status}`);
    try {
      return createPublicKey(res.body.toString('utf8'));
    } catch (err) {
      throw tlogError('TLOG_BAD_RESPONSE', `${this.url}/api/v1/log/publicKey is not a PEM public key`, err);
    }
  }

  async #get(path: string): Promise<{ uuid: string; entry: TlogEntryJson }> {
    const res = await this.#http.request('GET', `${this.url}${path}`);
    if (res.status === 404) throw tlogError('TLOG_BAD_RESPONSE', `the log has no entry at ${path}`);
    if (res.status !== 200) throw tlogError('TLOG_BAD_RESPONSE', `GET ${this.url}${path} answered HTTP ${res.status}: ${message(res)}`);
    return fromRekor(parseJson(res));
  }
}

function parseJson(res: HttpAnswer): unknown {
  try {
    return JSON.parse(res.body.toString('utf8'));
  } catch {
    throw tlogError('TLOG_BAD_RESPONSE', `the log answered HTTP ${res.status} with a body that is not JSON`);
  }
}

function message(res: HttpAnswer): string {
  try {
    const m = (JSON.parse(res.body.toString('utf8')) as { message?: unknown }).message;
    if (typeof m === 'string') return m.slice(0, 300);
  } catch {
    // not JSON: fall through to the raw text
  }
  return res.body.toString('utf8').slice(0, 300);
}
