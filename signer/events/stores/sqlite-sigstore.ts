import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { LoggedEntry } from '../../transparency/entry.ts';
import type { SignedEventRecord } from '../event-record.ts';
import { eventError } from '../errors.ts';
import type { PendingUpload, UploadOutcome, UploadQueue } from '../upload-queue.ts';

/**
 * Keyless and transparency.events in the SQLite store: a table of its own beside `events`
 * (as `event_claims`), so both row layouts get it and older files gain it on open. `upload`
 * is `pending`, `logged` or `failed` (NULL: never queued). Rows are keyed by insertion order
 * (`seq`), not by the random event id: the records of a burst, uploaded and settled together,
 * share a few pages, so marking them logged writes a few pages to the WAL, not one per record.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS event_sigstore (
  seq          INTEGER PRIMARY KEY,
  event_id     TEXT NOT NULL UNIQUE,
  certificates TEXT,
  tlog         TEXT,
  upload       TEXT,
  attempts     INTEGER NOT NULL DEFAULT 0,
  retry_at     TEXT,
  last_error   TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS event_sigstore_due ON event_sigstore (retry_at) WHERE upload = 'pending';
`;

/** The side table and the upload queue over it; every method runs on the store's one connection. */
export class SqliteSigstore implements UploadQueue {
  readonly #db: DatabaseSync;
  readonly #read: (eventId: string) => Promise<SignedEventRecord | undefined>;
  readonly #insert: StatementSync | undefined;
  readonly #get: StatementSync | undefined;
  #enabled = false;

  /** `owner`: the table is added when missing; a reader (verify-event) never changes the file, and reads none from an older one. */
  constructor(db: DatabaseSync, read: (eventId: string) => Promise<SignedEventRecord | undefined>, owner = true) {
    this.#db = db;
    this.#read = read;
    if (owner) db.exec(SCHEMA);
    if (!owner && db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'event_sigstore'").get() === undefined) return;
    this.#insert = db.prepare(
      'INSERT INTO event_sigstore (event_id, certificates, upload, retry_at) VALUES (?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING',
    );
    this.#get = db.prepare('SELECT certificates, tlog FROM event_sigstore WHERE event_id = ?');
  }

  enable(): void {
    this.#enabled = true;
  }

  /** Inside `put`'s transaction, for a row just inserted: its chain, and its place in the queue. */
  written(r: SignedEventRecord): void {
    if ((!r.certificates && !this.#enabled) || !this.#insert) return;
    this.#insert.run(r.eventId, r.certificates ? JSON.stringify(r.certificates) : null, this.#enabled ? 'pending' : null, this.#enabled ? r.storedAt : null);
  }

  /** The record with what the side table holds for it. */
  attach(r: SignedEventRecord): SignedEventRecord {
    const row = this.#get?.get(r.eventId);
    if (!row) return r;
    try {
      if (typeof row.certificates === 'string') r.certificates = JSON.parse(row.certificates) as string[];
      if (typeof row.tlog === 'string') r.tlog = JSON.parse(row.tlog) as LoggedEntry;
    } catch (err) {
      throw eventError('INVALID_EVENT_RECORD', `stored record ${r.eventId} has certificates or a log entry that are not JSON`, err);
    }
    return r;
  }

  /** With the record (prune). */
  deleted(eventId: string): void {
    if (this.#get) this.#db.prepare('DELETE FROM event_sigstore WHERE event_id = ?').run(eventId);
  }

  async due(now: Date, limit: number): Promise<PendingUpload[]> {
    const rows = this.#guard(() => this.#db
      .prepare("SELECT event_id, attempts FROM event_sigstore WHERE upload = 'pending' AND retry_at <= ? ORDER BY retry_at, seq LIMIT ?")
      .all(now.toISOString(), limit));
    const out: PendingUpload[] = [];
    for (const row of rows) {
      const record = await this.#read(String(row.event_id));
      if (record) out.push({ record, attempts: Number(row.attempts) });
    }
    return out;
  }

  async settle(outcomes: readonly UploadOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    this.#unsynced(() => {
      const logged = this.#db.prepare("UPDATE event_sigstore SET tlog = ?, upload = 'logged', retry_at = NULL, last_error = NULL WHERE event_id = ?");
      const failed = this.#db.prepare('UPDATE event_sigstore SET attempts = ?, last_error = ?, upload = ?, retry_at = ? WHERE event_id = ?');
      this.#db.exec('BEGIN IMMEDIATE');
      try {
        for (const o of outcomes) {
          if ('entry' in o) logged.run(JSON.stringify(o.entry), o.eventId);
          else failed.run(o.attempts, o.error.slice(0, 1000), o.retryAt ? 'pending' : 'failed', o.retryAt ? o.retryAt.toISOString() : null, o.eventId);
        }
        this.#db.exec('COMMIT');
      } catch (err) {
        if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
        throw err;
      }
    });
  }

  /**
   * Queue updates are written in one transaction per batch, without their own fsync (WAL,
   * synchronous=NORMAL for that one commit; the next event commit's fsync covers them): this connection is synchronous, so
   * an fsync here would hold up the loop answering webhooks. Losing one to a power cut only
   * repeats an upload, which the log answers 409 and we fetch: never a duplicate entry.
   */
  #unsynced(op: () => unknown): void {
    this.#guard(() => {
      this.#db.exec('PRAGMA synchronous = NORMAL');
      try {
        op();
      } finally {
        this.#db.exec('PRAGMA synchronous = FULL');
      }
    });
  }

  async counts(): Promise<{ pending: number; logged: number; failed: number }> {
    const rows = this.#guard(() => this.#db.prepare('SELECT upload, count(*) AS n FROM event_sigstore WHERE upload IS NOT NULL GROUP BY upload').all());
    const n = (state: string) => Number(rows.find((r) => r.upload === state)?.n ?? 0);
    return { pending: n('pending'), logged: n('logged'), failed: n('failed') };
  }

  #guard<T>(op: () => T): T {
    try {
      return op();
    } catch (err) {
      throw eventError('STORE_UNAVAILABLE', `SQLite event store error: ${(err as Error).message}`, err);
    }
  }
}
