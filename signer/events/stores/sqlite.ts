import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { SignedEventRecord } from '../event-record.ts';
import type { EventStore } from '../event-store.ts';
import { eventError } from '../errors.ts';
import { parseRecord, serializeRecord } from '../record-codec.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  event_id   TEXT PRIMARY KEY,
  digest     TEXT NOT NULL,
  trigger_id TEXT NOT NULL,
  keyid      TEXT NOT NULL,
  stored_at  TEXT NOT NULL,
  record     TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS events_by_digest ON events (digest);
`;

/**
 * The default event store: one SQLite file (node:sqlite). WAL with synchronous=FULL makes
 * every committed INSERT fsync'd before `put` returns, so an acknowledged event survives a
 * crash of the process or the node. One writer process per file (the signer).
 */
export class SqliteEventStore implements EventStore {
  readonly #db: DatabaseSync;
  readonly #insert;
  readonly #byId;
  readonly #byDigest;
  #closed = false;
  #pending: { record: SignedEventRecord; resolve: (r: SignedEventRecord) => void; reject: (e: unknown) => void }[] = [];

  constructor(path: string) {
    const created = path !== ':memory:' && !existsSync(path);
    if (created) mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    try {
      this.#db = new DatabaseSync(path);
      this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
      this.#db.exec(SCHEMA);
    } catch (err) {
      throw eventError(
        'STORE_UNAVAILABLE',
        `cannot open the SQLite event store at ${path}: ${(err as Error).message}`,
        err,
      );
    }
    // Only a file we created: a reader (verify-event) must not touch someone else's file.
    if (created) chmodSync(path, 0o600);
    this.#insert = this.#db.prepare(
      'INSERT INTO events (event_id, digest, trigger_id, keyid, stored_at, record) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING',
    );
    this.#byId = this.#db.prepare('SELECT record FROM events WHERE event_id = ?');
    this.#byDigest = this.#db.prepare(
      'SELECT record FROM events WHERE digest = ? ORDER BY stored_at, event_id',
    );
  }

  /**
   * Group commit: puts arriving while a commit is pending share ONE transaction (one fsync),
   * so throughput is not capped at one event per fsync. Each put still resolves only after
   * the COMMIT that holds its row returned (durable), exactly as with one commit per put.
   */
  put(r: SignedEventRecord): Promise<SignedEventRecord> {
    if (this.#closed) return Promise.reject(eventError('STORE_UNAVAILABLE', 'the SQLite event store is closed'));
    return new Promise((resolve, reject) => {
      this.#pending.push({ record: r, resolve, reject });
      if (this.#pending.length === 1) setImmediate(() => this.#commitPending());
    });
  }

  #commitPending(): void {
    const batch = this.#pending.splice(0);
    if (batch.length === 0) return;
    let inserted: boolean[];
    try {
      inserted = this.#run(() => {
        this.#db.exec('BEGIN IMMEDIATE');
        try {
          const rows = batch.map(({ record: r }) =>
            Number(this.#insert.run(r.eventId, r.digest, r.triggerId, r.keyid, r.storedAt, serializeRecord(r)).changes) === 1,
          );
          this.#db.exec('COMMIT');
          return rows;
        } catch (err) {
          if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
          throw err;
        }
      });
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => {
      if (inserted[i]) p.resolve(p.record);
      else this.#settleExisting(p.record).then(p.resolve, p.reject);
    });
  }

  /** The row was not inserted: same event again (idempotent) or a conflicting one. */
  async #settleExisting(r: SignedEventRecord): Promise<SignedEventRecord> {
    const existing = await this.getByEventId(r.eventId);
    if (existing?.digest === r.digest) return existing; // redelivery of the same event: idempotent
    throw eventError(
      'EVENT_CONFLICT',
      `event ${r.eventId} is already stored with digest ${existing?.digest ?? 'unknown'}, not ${r.digest}`,
    );
  }

  async getByEventId(eventId: string): Promise<SignedEventRecord | undefined> {
    const row = this.#run(() => this.#byId.get(eventId)) as { record: string } | undefined;
    return row === undefined ? undefined : parseRecord(row.record, `stored record ${eventId}`);
  }

  async getByDigest(digest: string): Promise<SignedEventRecord[]> {
    const rows = this.#run(() => this.#byDigest.all(digest)) as { record: string }[];
    return rows.map((row) => parseRecord(row.record, `stored record for ${digest}`));
  }

  async ping(): Promise<void> {
    this.#run(() => this.#db.prepare('SELECT 1').get());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#commitPending(); // puts already accepted are committed, not dropped
    this.#closed = true;
    this.#db.close();
  }

  #run<T>(op: () => T): T {
    if (this.#closed) throw eventError('STORE_UNAVAILABLE', 'the SQLite event store is closed');
    try {
      return op();
    } catch (err) {
      throw eventError('STORE_UNAVAILABLE', `SQLite event store error: ${(err as Error).message}`, err);
    }
  }
}
