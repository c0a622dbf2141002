import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLOutputValue } from 'node:sqlite';
import type { SignedEventRecord } from '../event-record.ts';
import type { EventStore, EventPage, EventSummary, PruneRequest, PruneResult, PutOptions, StoreStats } from '../event-store.ts';
import { isPast } from '../../limits/errors.ts';
import { eventError } from '../errors.ts';
import { isProvenanceError } from '../../errors.ts';
import { parseRecord, recordFromJson, serializeRecord } from '../record-codec.ts';
import { bindMarker, corrupt, isCorruption, probe, quickCheck, readMarker, refuseEmptyStore, tightenModes, withPrivateFiles } from './sqlite-integrity.ts';
import { SqliteSigstore } from './sqlite-sigstore.ts';

/**
 * The layout of new files: the envelope in columns, its payload (the statement) as the raw
 * bytes. Compared with one JSON text holding base64, a write needs no base64 or JSON escaping
 * and writes (and fsyncs) a quarter fewer bytes. `payload` is a BLOB for canonical standard
 * base64 (everything the signer signs) and otherwise the envelope's text verbatim, so any
 * record reads back exactly as it was put.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  event_id     TEXT PRIMARY KEY,
  digest       TEXT NOT NULL,
  trigger_id   TEXT NOT NULL,
  keyid        TEXT NOT NULL,
  stored_at    TEXT NOT NULL,
  payload_type TEXT NOT NULL,
  payload      ANY NOT NULL,
  signatures   TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS events_by_digest ON events (digest);
`;

/**
 * Retention (docs/signer.md "Retention"): which records an attestation embeds, in a table of
 * its own so both row layouts get it and the events table is never altered. Added to older
 * files when they are opened: an older build still opens them (it ignores the table).
 */
const RETENTION_SCHEMA = `
CREATE TABLE IF NOT EXISTS event_claims (
  event_id    TEXT PRIMARY KEY,
  attested_at TEXT NOT NULL,
  run_uid     TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS event_claims_by_time ON event_claims (attested_at);
CREATE INDEX IF NOT EXISTS events_by_stored_at ON events (stored_at);
`;

/**
 * Records are 2 KiB to 30 MiB, mostly past one 4 KiB page: 16 KiB pages mean a quarter of the
 * overflow pages, WAL frames and write calls per record (measured: about 40% less CPU per
 * 1 MiB insert with WAL + synchronous=FULL).
 */
const PAGE_SIZE = 16384;

/** Longest the health probe goes without a real write (Kubernetes probes every 5-10 s). */
const PROBE_WRITE_MS = 2_000;

const FIELDS = 'event_id, digest, trigger_id, keyid, stored_at';

/** How one file keeps a record: the compact columns, or the JSON `record` of older files. */
interface RowLayout {
  readonly columns: string;
  /** SQL for the bytes a row keeps (retention metrics). */
  readonly bytes: string;
  values(r: SignedEventRecord, payloadBytes?: Buffer): (string | Uint8Array)[];
  record(row: Record<string, SQLOutputValue>, where: string): SignedEventRecord;
}

const COMPACT: RowLayout = {
  columns: `${FIELDS}, payload_type, payload, signatures`,
  bytes: 'length(e.payload) + length(e.signatures)',
  values: (r, payloadBytes) => [
    ...keyValues(r),
    r.envelope.payloadType,
    payloadBytes ?? payloadColumn(r.envelope.payload),
    JSON.stringify(r.envelope.signatures),
  ],
  record: (row, where) => {
    const payload = row.payload instanceof Uint8Array ? bufferView(row.payload).toString('base64') : row.payload;
    let signatures: unknown;
    try {
      signatures = JSON.parse(String(row.signatures));
    } catch (err) {
      throw eventError('INVALID_EVENT_RECORD', `${where} has signatures that are not JSON`, err);
    }
    // The same checks as a JSON record gets (recordFromJson), so both layouts read alike.
    return recordFromJson(
      {
        eventId: row.event_id,
        digest: row.digest,
        triggerId: row.trigger_id,
        keyid: row.keyid,
        envelope: { payloadType: row.payload_type, payload, signatures },
        storedAt: row.stored_at,
      },
      where,
    );
  },
};

/** Files written before the compact layout: one JSON record per row. Still read and written. */
const LEGACY_JSON: RowLayout = {
  columns: `${FIELDS}, record`,
  bytes: 'length(e.record)',
  values: (r) => [...keyValues(r), serializeRecord(r)],
  record: (row, where) => parseRecord(String(row.record), where),
};

function bufferView(a: Uint8Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function keyValues(r: SignedEventRecord): string[] {
  return [r.eventId, r.digest, r.triggerId, r.keyid, r.storedAt];
}

/** The bytes when `payload` is canonical standard base64 (what we emit), else the text itself. */
function payloadColumn(payload: string): Buffer | string {
  const bytes = Buffer.from(payload, 'base64');
  return bytes.toString('base64') === payload ? bytes : payload;
}

/**
 * The default event store: one SQLite file (node:sqlite). WAL with synchronous=FULL makes
 * every committed INSERT fsync'd before `put` returns, so an acknowledged event survives a
 * crash of the process or the node. One writer process per file (the signer).
 */
export class SqliteEventStore implements EventStore {
  #db!: DatabaseSync;
  readonly #layout: RowLayout;
  readonly #insert;
  readonly #byId;
  readonly #byDigest;
  #closed = false;
  #pending: PendingPut[] = [];
  readonly #path: string;
  readonly #owner: boolean;
  #lastProbeWrite = 0;
  /** Set by the first corruption any operation met: from then on the probe fails (latched). */
  #corruption: string | undefined;
  /** Keyless certificates, log entries and the upload queue (sqlite-sigstore.ts). */
  readonly #sigstore: SqliteSigstore;
  readonly keepsCertificates = true;

  /**
   * The owner (the signer, `serve`) checks the file's integrity on open: marker, quick_check,
   * modes (sqlite-integrity.ts). A `reader` (verify-event, attest) opens someone else's file
   * and changes nothing about it; a reader that `writes` (events prune) opens it read-write,
   * still without the owner's checks.
   */
  constructor(path: string, opts: { reader?: boolean; writes?: boolean } = {}) {
    this.#path = path;
    const owner = path !== ':memory:' && opts.reader !== true;
    this.#owner = owner;
    if (owner && !existsSync(path)) mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const marker = owner ? readMarker(path) : undefined;
    if (owner) refuseEmptyStore(path, marker);
    const open = () => {
      if (!owner && opts.writes !== true && path !== ':memory:') return this.#openReader(path);
      this.#db = new DatabaseSync(path);
      if (owner) quickCheck(this.#db, path);
      // page_size and auto_vacuum take effect only in a new file (before its first table), then
      // stay: an older file keeps auto_vacuum=NONE (see #reclaim).
      this.#db.exec(`PRAGMA page_size = ${PAGE_SIZE}; PRAGMA auto_vacuum = INCREMENTAL; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;`);
      this.#db.exec(SCHEMA);
      this.#db.exec(RETENTION_SCHEMA);
      if (owner) bindMarker(this.#db, path, marker);
      // CREATE TABLE IF NOT EXISTS keeps an older file's table: keep its layout too (no
      // migration, so a reader such as verify-event never rewrites someone else's file).
      return this.#hasColumn('events', 'record') ? LEGACY_JSON : COMPACT;
    };
    try {
      this.#layout = owner ? withPrivateFiles(path, open) : open();
      if (owner) tightenModes(path);
      this.#sigstore = new SqliteSigstore(this.#db, (id) => this.getByEventId(id), owner);
    } catch (err) {
      this.#db?.close();
      if (isProvenanceError(err)) throw err;
      if (isCorruption(err)) throw corrupt(path, (err as Error).message, err);
      throw eventError(
        'STORE_UNAVAILABLE',
        `cannot open the SQLite event store at ${path}: ${(err as Error).message}`,
        err,
      );
    }
    const { columns } = this.#layout;
    const params = columns.split(',').map(() => '?').join(', ');
    this.#insert = this.#db.prepare(
      `INSERT INTO events (${columns}) VALUES (${params}) ON CONFLICT (event_id) DO NOTHING`,
    );
    this.#byId = this.#db.prepare(`SELECT ${columns} FROM events WHERE event_id = ?`);
    this.#byDigest = this.#db.prepare(
      `SELECT ${columns} FROM events WHERE digest = ? ORDER BY stored_at, event_id`,
    );
  }

  /**
   * Group commit: puts arriving while a commit is pending share ONE transaction (one fsync),
   * so throughput is not capped at one event per fsync. Each put still resolves only after
   * the COMMIT that holds its row returned (durable), exactly as with one commit per put.
   * `payloadBytes`, when the caller has them (the signer), MUST be the bytes
   * `r.envelope.payload` encodes in standard base64, unchanged until the put settles (the row
   * is written at the next group commit): they are stored instead of decoding the base64.
   */
  put(r: SignedEventRecord, payloadBytes?: Buffer, opts: PutOptions = {}): Promise<SignedEventRecord> {
    if (this.#closed) return Promise.reject(eventError('STORE_UNAVAILABLE', 'the SQLite event store is closed'));
    return new Promise((resolve, reject) => {
      this.#pending.push({ record: r, payloadBytes, deadline: opts.deadline, resolve, reject });
      if (this.#pending.length === 1) setImmediate(() => this.#commitPending());
    });
  }

  #commitPending(): void {
    // Store or drop is decided here, in the same synchronous step as BEGIN: a put whose
    // deadline passed (its caller has given up or is about to) is never written.
    const now = Date.now();
    const batch: PendingPut[] = [];
    for (const p of this.#pending.splice(0)) {
      if (isPast(p.deadline, now)) p.reject(eventError('DEADLINE_EXCEEDED', `event ${p.record.eventId} was not stored: its deadline passed before the write began`));
      else batch.push(p);
    }
    if (batch.length === 0) return;
    let inserted: boolean[];
    try {
      inserted = this.#run(() => {
        this.#db.exec('BEGIN IMMEDIATE');
        try {
          const rows = batch.map((p) => {
            const inserted = Number(this.#insert.run(...this.#layout.values(p.record, p.payloadBytes)).changes) === 1;
            if (inserted) this.#sigstore.written(p.record); // same commit: never a record without its chain or queue entry
            return inserted;
          });
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
    const row = this.#run(() => this.#byId.get(eventId));
    return row === undefined ? undefined : this.#sigstore.attach(this.#layout.record(row, `stored record ${eventId}`));
  }

  async getByDigest(digest: string): Promise<SignedEventRecord[]> {
    const rows = this.#run(() => this.#byDigest.all(digest));
    return rows.map((row) => this.#sigstore.attach(this.#layout.record(row, `stored record for ${digest}`)));
  }

  async markAttested(eventId: string, runUid: string, at: Date): Promise<boolean> {
    return this.#run(() => {
      if (this.#db.prepare('SELECT 1 FROM events WHERE event_id = ?').get(eventId) === undefined) return false;
      this.#db
        .prepare('INSERT INTO event_claims (event_id, attested_at, run_uid) VALUES (?, ?, ?) ON CONFLICT (event_id) DO NOTHING')
        .run(eventId, at.toISOString(), runUid);
      return true;
    });
  }

  /**
   * One batch, in one transaction between group commits (both run on this thread), then the
   * freed pages go back to the file system when the file has auto_vacuum=INCREMENTAL.
   */
  async prune(req: PruneRequest): Promise<PruneResult> {
    return this.#run(() => {
      const rows = this.#db
        .prepare(
          `SELECT e.event_id AS id, ${this.#layout.bytes} AS bytes FROM events e LEFT JOIN event_claims c USING (event_id)
           WHERE (c.attested_at IS NOT NULL AND c.attested_at < ?) OR (c.attested_at IS NULL AND e.stored_at < ?)
           ORDER BY e.event_id LIMIT ?`,
        )
        .all(req.attestedBefore.toISOString(), req.unclaimedBefore.toISOString(), req.limit);
      const ids = rows.map((r) => String(r.id));
      if (!req.dryRun && ids.length > 0) {
        this.#db.exec('BEGIN IMMEDIATE');
        try {
          const del = this.#db.prepare('DELETE FROM events WHERE event_id = ?');
          const delClaim = this.#db.prepare('DELETE FROM event_claims WHERE event_id = ?');
          for (const id of ids) {
            del.run(id);
            delClaim.run(id);
            this.#sigstore.deleted(id);
          }
          this.#db.exec('COMMIT');
        } catch (err) {
          if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
          throw err;
        }
        this.#reclaim();
      }
      return { records: ids.length, bytes: rows.reduce((n, r) => n + Number(r.bytes), 0), eventIds: ids };
    });
  }

  /**
   * auto_vacuum=INCREMENTAL (new files): hand the free pages back. An older file (NONE) keeps
   * them on its freelist for new records: it stops growing but does not shrink until an
   * offline `VACUUM` (docs/signer.md).
   */
  #reclaim(): void {
    if (Number(this.#db.prepare('PRAGMA auto_vacuum').get()?.auto_vacuum) === 2) this.#db.exec('PRAGMA incremental_vacuum');
  }

  async list(cursor: string | undefined, limit: number): Promise<EventPage> {
    const rows = this.#run(() =>
      this.#db
        .prepare(
          `SELECT e.event_id AS id, e.digest AS digest, e.stored_at AS stored_at, ${this.#layout.bytes} AS bytes,
             c.attested_at AS attested_at, c.run_uid AS run_uid
           FROM events e LEFT JOIN event_claims c USING (event_id) WHERE e.event_id > ? ORDER BY e.event_id LIMIT ?`,
        )
        .all(cursor ?? '', limit),
    );
    const items = rows.map((r): EventSummary => ({
      eventId: String(r.id), digest: String(r.digest), storedAt: String(r.stored_at), bytes: Number(r.bytes),
      ...(r.attested_at ? { attestedAt: String(r.attested_at) } : {}),
      ...(r.run_uid ? { attestedRun: String(r.run_uid) } : {}),
    }));
    const last = items[items.length - 1];
    return items.length === limit && last ? { items, next: last.eventId } : { items };
  }

  async stats(): Promise<StoreStats> {
    const row = this.#run(() => this.#db.prepare(`SELECT count(*) AS n, coalesce(sum(${this.#layout.bytes}), 0) AS bytes FROM events e`).get());
    return { records: Number(row?.n ?? 0), bytes: Number(row?.bytes ?? 0) };
  }

  /** The durable upload queue of transparency.events (upload-queue.ts). */
  get uploads(): SqliteSigstore {
    return this.#sigstore;
  }

  /** The health probe: a real write and reads from the file (sqlite-integrity.ts probe); fails for good once corruption was met. */
  async ping(): Promise<void> {
    if (this.#corruption !== undefined) throw corrupt(this.#path, this.#corruption);
    // The fsync'd write at most every PROBE_WRITE_MS: probes polled in a tight loop (a
    // start-up wait) must not become a stream of commits; the reads run every time.
    const write = Date.now() - this.#lastProbeWrite >= PROBE_WRITE_MS;
    try {
      this.#run(() => (this.#owner ? probe(this.#db, write) : this.#db.prepare('SELECT 1').get()));
      if (write) this.#lastProbeWrite = Date.now();
    } catch (err) {
      if (this.#corruption !== undefined) throw corrupt(this.#path, this.#corruption, err);
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#commitPending(); // puts already accepted are committed, not dropped
    this.#closed = true;
    this.#db.close();
  }

  /**
   * A reader opens the file read-only and runs no PRAGMA that writes and no CREATE: an older
   * file (no event_claims table, rollback journal) stays byte for byte as it was, and a file
   * that is not an event store is named as such rather than turned into an empty one.
   */
  #openReader(path: string): RowLayout {
    this.#db = new DatabaseSync(path, { readOnly: true });
    this.#db.exec('PRAGMA busy_timeout = 5000;');
    if (!this.#hasColumn('events', 'event_id')) {
      throw eventError('STORE_UNAVAILABLE', `${path} is not a tekton-provenance event store (it has no events table)`);
    }
    return this.#hasColumn('events', 'record') ? LEGACY_JSON : COMPACT;
  }

  #hasColumn(table: string, column: string): boolean {
    const columns = this.#db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table);
    return columns.some((c) => c.name === column);
  }

  #run<T>(op: () => T): T {
    if (this.#closed) throw eventError('STORE_UNAVAILABLE', 'the SQLite event store is closed');
    try {
      return op();
    } catch (err) {
      if (isCorruption(err)) this.#corruption ??= (err as Error).message;
      throw eventError('STORE_UNAVAILABLE', `SQLite event store error: ${(err as Error).message}`, err);
    }
  }
}

interface PendingPut {
  record: SignedEventRecord;
  payloadBytes: Buffer | undefined;
  deadline: number | undefined;
  resolve: (r: SignedEventRecord) => void;
  reject: (e: unknown) => void;
}
