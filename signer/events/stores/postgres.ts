import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';
import { isProvenanceError } from '../../errors.ts';
import type { SignedEventRecord } from '../event-record.ts';
import type { EventStore, EventPage, EventSummary, PruneRequest, PruneResult, PutOptions, StoreStats } from '../event-store.ts';
import { isPast } from '../../limits/errors.ts';
import { eventError } from '../errors.ts';
import { recordFromJson } from '../record-codec.ts';
import { migrate } from './postgres-schema.ts';

export interface PostgresStoreOptions {
  /** libpq URL `postgres://user@host:port/db?sslmode=...` (sslmode, sslrootcert... honoured by pg). */
  url: string;
  /** A file holding the password (a mounted Secret); read at every new connection, so a rotation applies. */
  passwordFile?: string;
  /** Overrides a password in the URL (e.g. from a Secret through the environment). */
  password?: string;
  /** Connections at most (default 10): one per put in flight; more puts wait for one. */
  poolSize?: number;
  /** Getting a connection (from the pool or a new one), at most (default 1500 ms). */
  connectTimeoutMs?: number;
  /** One statement, at most: server-side statement_timeout and the client's read timeout (default 2500 ms). */
  queryTimeoutMs?: number;
}

/**
 * Defaults sized against the interceptor's 5 s deadline for the signer (and the
 * EventListener's 10 s): connect + one statement = 4 s at worst, so a lost or hung database
 * fails the request in flight with STORE_UNAVAILABLE before the interceptor gives up.
 */
export const PG_DEFAULTS = { poolSize: 10, connectTimeoutMs: 1500, queryTimeoutMs: 2500 } as const;

const TABLE = 'tekton_provenance_events';
const COLUMNS = 'event_id, digest, trigger_id, keyid, stored_at, payload_type, payload, payload_text, signatures';
const SUMMARY = 'event_id, digest, stored_at, bytes, attested_at, attested_run';

/** One multi-row INSERT holds at most this many records and (past the first) this many payload bytes. */
const BATCH_ROWS = 64;
const BATCH_BYTES = 8 * 1024 * 1024;

interface QueuedPut {
  record: SignedEventRecord;
  storedTs: Date;
  queuedAt: number;
  resolve(inserted: boolean): void;
  reject(err: unknown): void;
}

interface Row {
  event_id: string;
  digest: string;
  trigger_id: string;
  keyid: string;
  stored_at: string;
  payload_type: string;
  payload: Buffer;
  payload_text: string | null;
  signatures: string;
}

/**
 * Event store for several signer replicas: one PostgreSQL database. A put is one INSERT in
 * autocommit, answered only after COMMIT (synchronous_commit, the server default, means it
 * is flushed to the WAL). `ON CONFLICT (event_id) DO NOTHING` lets the database decide which
 * of two racing replicas stores an event id; the loser reads the winner's row and compares.
 */
export class PostgresEventStore implements EventStore {
  readonly #pool: pg.Pool;
  readonly #where: string;
  readonly #poolSize: number;
  readonly #connectTimeoutMs: number;
  readonly #putDeadlineMs: number;
  #queue: QueuedPut[] = [];
  #inserting = 0;
  /** No new puts (close() called)... */
  #closed = false;
  /** ...and, once those accepted are written, no statements at all. */
  #ended = false;

  private constructor(pool: pg.Pool, where: string, poolSize: number, connectTimeoutMs: number, queryTimeoutMs: number) {
    this.#pool = pool;
    this.#where = where;
    this.#poolSize = poolSize;
    this.#connectTimeoutMs = connectTimeoutMs;
    this.#putDeadlineMs = connectTimeoutMs + queryTimeoutMs;
  }

  /** Connects, creates or migrates the schema (failing fast when the database is unreachable). */
  static async open(o: PostgresStoreOptions): Promise<PostgresEventStore> {
    let where: string;
    try {
      const u = new URL(o.url);
      if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new Error('not a postgres:// URL');
      where = `${u.hostname}:${u.port || '5432'}${u.pathname}`; // never the password
    } catch (err) {
      throw eventError('STORE_CONFIG', `--postgres-url is not a libpq URL (postgres://user@host:port/database): ${(err as Error).message}`);
    }
    const queryTimeout = o.queryTimeoutMs ?? PG_DEFAULTS.queryTimeoutMs;
    const passwordFile = o.passwordFile;
    // Parsed here, not passed as connectionString: pg lets a URL's (empty) password win over ours.
    let parsed: pg.ClientConfig;
    try {
      parsed = parseIntoClientConfig(o.url);
    } catch (err) {
      throw eventError('STORE_CONFIG', `--postgres-url cannot be parsed: ${(err as Error).message}`);
    }
    const pool = new pg.Pool({
      ...parsed,
      ...(passwordFile
        ? { password: async () => (await readFile(passwordFile, 'utf8')).replace(/\r?\n$/, '') }
        : o.password !== undefined ? { password: o.password } : {}),
      max: o.poolSize ?? PG_DEFAULTS.poolSize,
      connectionTimeoutMillis: o.connectTimeoutMs ?? PG_DEFAULTS.connectTimeoutMs,
      idleTimeoutMillis: 30_000,
      query_timeout: queryTimeout,
      statement_timeout: queryTimeout,
      lock_timeout: queryTimeout,
      keepAlive: true,
      application_name: 'tekton-provenance-signer',
    });
    // An idle connection that breaks (server restart) is dropped by the pool; the next put
    // opens a new one. Without a listener the 'error' event would end the process.
    pool.on('error', () => undefined);
    const store = new PostgresEventStore(pool, where, o.poolSize ?? PG_DEFAULTS.poolSize, o.connectTimeoutMs ?? PG_DEFAULTS.connectTimeoutMs, queryTimeout);
    await store.#withClient('migrate the schema', (c) => migrate(c));
    return store;
  }

  /**
   * Group commit, as the SQLite store: puts that arrive while every connection is busy wait
   * in a queue and go in the next free connection's ONE multi-row INSERT (one commit, one WAL
   * flush for all of them), so throughput is not capped at one event per commit per
   * connection. A lone put goes at once. Each put still resolves only after the COMMIT of the
   * statement that holds its row. A put that waited longer than the connect timeout fails
   * STORE_UNAVAILABLE instead of queueing past the interceptor's deadline.
   */
  async put(r: SignedEventRecord, _payloadBytes?: Buffer, opts: PutOptions = {}): Promise<SignedEventRecord> {
    // Checked when the put arrives (not yet where the queued INSERT starts: docs/security.md).
    if (isPast(opts.deadline)) throw eventError('DEADLINE_EXCEEDED', `event ${r.eventId} was not stored: its deadline passed before the write began`);
    const storedTs = new Date(r.storedAt);
    if (Number.isNaN(storedTs.getTime())) throw eventError('INVALID_EVENT_RECORD', `storedAt ${r.storedAt} is not a time`);
    if (this.#closed) throw eventError('STORE_UNAVAILABLE', 'the PostgreSQL event store is closed');
    // A row deleted by retention between our INSERT and the read is inserted again (bounded).
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await new Promise<boolean>((resolve, reject) => {
        // The whole put (queue, connection, statement) answers within connect + statement
        // timeouts, whatever the order they hit in: a row committed after this gave up is
        // stored but was never acknowledged (allowed: a redelivery gets it).
        const deadline = setTimeout(
          () => reject(eventError('STORE_UNAVAILABLE', `no answer from PostgreSQL for event ${r.eventId} within ${this.#putDeadlineMs} ms (at ${this.#where})`)),
          this.#putDeadlineMs,
        );
        const settle = <T>(fn: (v: T) => void) => (v: T) => {
          clearTimeout(deadline);
          fn(v);
        };
        this.#queue.push({ record: r, storedTs, queuedAt: Date.now(), resolve: settle(resolve), reject: settle(reject) });
        this.#drain();
      });
      if (inserted) return r;
      const existing = await this.getByEventId(r.eventId);
      if (existing === undefined) continue;
      if (existing.digest === r.digest) return existing; // redelivery: the first record stands
      throw eventError('EVENT_CONFLICT', `event ${r.eventId} is already stored with digest ${existing.digest}, not ${r.digest}`);
    }
    throw eventError('STORE_UNAVAILABLE', `event ${r.eventId} was deleted while being stored; try again`);
  }

  #drain(): void {
    while (this.#inserting < this.#poolSize && this.#queue.length > 0) {
      const batch = this.#takeBatch();
      if (batch.length === 0) continue;
      this.#inserting++;
      void this.#insertBatch(batch).finally(() => {
        this.#inserting--;
        this.#drain();
      });
    }
  }

  /** Up to BATCH_ROWS puts and BATCH_BYTES, distinct event ids; expired waiters fail here. */
  #takeBatch(): QueuedPut[] {
    const batch: QueuedPut[] = [];
    const ids = new Set<string>();
    const rest: QueuedPut[] = [];
    let bytes = 0;
    const now = Date.now();
    for (const q of this.#queue) {
      if (now - q.queuedAt > this.#connectTimeoutMs) {
        q.reject(eventError('STORE_UNAVAILABLE', `no PostgreSQL connection for event ${q.record.eventId} within ${this.#connectTimeoutMs} ms (at ${this.#where})`));
        continue;
      }
      const size = q.record.envelope.payload.length;
      if (ids.has(q.record.eventId) || batch.length >= BATCH_ROWS || (batch.length > 0 && bytes + size > BATCH_BYTES)) {
        rest.push(q);
        continue;
      }
      ids.add(q.record.eventId);
      bytes += size;
      batch.push(q);
    }
    this.#queue = rest;
    return batch;
  }

  async #insertBatch(batch: QueuedPut[]): Promise<void> {
    const params: unknown[] = [];
    const rows = batch.map(({ record: r, storedTs }) => {
      const bytes = Buffer.from(r.envelope.payload, 'base64');
      const canonical = bytes.toString('base64') === r.envelope.payload;
      const signatures = JSON.stringify(r.envelope.signatures);
      const base = params.length;
      params.push(r.eventId, r.digest, r.triggerId, r.keyid, r.storedAt, r.envelope.payloadType,
        canonical ? bytes : Buffer.alloc(0), canonical ? null : r.envelope.payload, signatures, storedTs,
        (canonical ? bytes.length : Buffer.byteLength(r.envelope.payload)) + signatures.length);
      return `(${Array.from({ length: 11 }, (_, k) => `$${base + k + 1}`).join(', ')})`;
    });
    try {
      const inserted = await this.#query<{ event_id: string }>(
        batch.length === 1 ? 'store an event' : `store ${batch.length} events`,
        `INSERT INTO ${TABLE} (${COLUMNS}, stored_ts, bytes) VALUES ${rows.join(', ')} ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
        params,
      );
      const done = new Set(inserted.map((row) => row.event_id));
      for (const q of batch) q.resolve(done.has(q.record.eventId));
    } catch (err) {
      for (const q of batch) q.reject(err);
    }
  }

  async getByEventId(eventId: string): Promise<SignedEventRecord | undefined> {
    const rows = await this.#query<Row>('read an event', `SELECT ${COLUMNS} FROM ${TABLE} WHERE event_id = $1`, [eventId]);
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  async getByDigest(digest: string): Promise<SignedEventRecord[]> {
    const rows = await this.#query<Row>(
      'read events by digest',
      `SELECT ${COLUMNS} FROM ${TABLE} WHERE digest = $1 ORDER BY stored_at, event_id`,
      [digest],
    );
    return rows.map(toRecord);
  }

  async markAttested(eventId: string, runUid: string, at: Date): Promise<boolean> {
    const rows = await this.#query<{ event_id: string }>(
      'mark an event attested',
      `UPDATE ${TABLE} SET attested_at = COALESCE(attested_at, $2), attested_run = COALESCE(attested_run, $3)
       WHERE event_id = $1 RETURNING event_id`,
      [eventId, at, runUid],
    );
    return rows.length === 1;
  }

  /**
   * One batch. SKIP LOCKED: replicas pruning at once take different rows instead of waiting
   * on each other; a row a put is reading is simply deleted after it (the put re-inserts).
   */
  async prune(req: PruneRequest): Promise<PruneResult> {
    const pick = `SELECT event_id FROM ${TABLE}
      WHERE (attested_at IS NOT NULL AND attested_at < $1) OR (attested_at IS NULL AND stored_ts < $2)
      ORDER BY event_id LIMIT $3`;
    const params = [req.attestedBefore, req.unclaimedBefore, req.limit];
    const rows = req.dryRun
      ? await this.#query<{ event_id: string; bytes: number }>('list prunable events', `SELECT event_id, bytes FROM ${TABLE} WHERE event_id IN (${pick})`, params)
      : await this.#query<{ event_id: string; bytes: number }>(
          'prune events',
          `DELETE FROM ${TABLE} WHERE event_id IN (${pick} FOR UPDATE SKIP LOCKED) RETURNING event_id, bytes`,
          params,
        );
    return { records: rows.length, bytes: rows.reduce((n, r) => n + r.bytes, 0), eventIds: rows.map((r) => r.event_id).sort() };
  }

  async list(cursor: string | undefined, limit: number): Promise<EventPage> {
    const rows = await this.#query<{ event_id: string; digest: string; stored_at: string; bytes: number; attested_at: Date | null; attested_run: string | null }>(
      'list events',
      `SELECT ${SUMMARY} FROM ${TABLE} WHERE event_id > $1 ORDER BY event_id LIMIT $2`,
      [cursor ?? '', limit],
    );
    const items = rows.map((r): EventSummary => ({
      eventId: r.event_id, digest: r.digest, storedAt: r.stored_at, bytes: r.bytes,
      ...(r.attested_at ? { attestedAt: r.attested_at.toISOString() } : {}),
      ...(r.attested_run ? { attestedRun: r.attested_run } : {}),
    }));
    const last = items[items.length - 1];
    return items.length === limit && last ? { items, next: last.eventId } : { items };
  }

  async stats(): Promise<StoreStats> {
    const rows = await this.#query<{ records: string; bytes: string | null }>(
      'count events', `SELECT count(*) AS records, sum(bytes) AS bytes FROM ${TABLE}`, [],
    );
    return { records: Number(rows[0]?.records ?? 0), bytes: Number(rows[0]?.bytes ?? 0) };
  }

  /** Readiness: a connection and `SELECT 1` within the timeouts. */
  async ping(): Promise<void> {
    await this.#query('ping', 'SELECT 1', []);
  }

  /** Puts already accepted are written first (bounded by the query timeout), then the pool ends. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (let i = 0; i < 1000 && (this.#queue.length > 0 || this.#inserting > 0); i++) await new Promise((r) => setTimeout(r, 10));
    this.#ended = true;
    await this.#pool.end();
  }

  async #query<T extends pg.QueryResultRow>(what: string, sql: string, params: unknown[]): Promise<T[]> {
    return this.#withClient(what, async (c) => (await c.query<T>(sql, params)).rows);
  }

  /**
   * Every failure to reach or use the database is STORE_UNAVAILABLE naming what failed and
   * the server or driver reason (never the URL's password). A client whose statement failed
   * for any reason other than an SQL error is destroyed, not reused: after a read timeout
   * its connection may still be busy with the statement.
   */
  async #withClient<T>(what: string, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    if (this.#ended) throw eventError('STORE_UNAVAILABLE', 'the PostgreSQL event store is closed');
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      throw unavailable(what, this.#where, err);
    }
    // The pool listens for errors only on idle clients: a connection that breaks while this
    // one is checked out but between statements would otherwise be an unhandled 'error'
    // event (the process would exit). Its next statement fails, and it is destroyed below.
    let broken: Error | undefined;
    const onError = (err: Error) => {
      broken = err;
    };
    client.on('error', onError);
    try {
      const result = await fn(client);
      client.removeListener('error', onError);
      client.release(broken);
      return result;
    } catch (err) {
      client.removeListener('error', onError);
      const sqlError = err instanceof pg.DatabaseError && !/^(08|57P)/.test(err.code ?? '');
      client.release(broken ?? (sqlError || isProvenanceError(err) ? undefined : (err as Error)));
      if (isProvenanceError(err)) throw err;
      throw unavailable(what, this.#where, err);
    }
  }
}

function unavailable(what: string, where: string, err: unknown) {
  const e = err as { code?: string; message?: string };
  const sqlstate = err instanceof pg.DatabaseError && e.code ? ` (SQLSTATE ${e.code})` : '';
  return eventError('STORE_UNAVAILABLE', `cannot ${what} in the PostgreSQL event store at ${where}: ${e.message ?? String(err)}${sqlstate}`, err);
}

function toRecord(row: Row): SignedEventRecord {
  let signatures: unknown;
  try {
    signatures = JSON.parse(row.signatures);
  } catch (err) {
    throw eventError('INVALID_EVENT_RECORD', `stored record ${row.event_id} has signatures that are not JSON`, err);
  }
  return recordFromJson(
    {
      eventId: row.event_id,
      digest: row.digest,
      triggerId: row.trigger_id,
      keyid: row.keyid,
      envelope: { payloadType: row.payload_type, payload: row.payload_text ?? row.payload.toString('base64'), signatures },
      storedAt: row.stored_at,
    },
    `stored record ${row.event_id}`,
  );
}
