import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { controllerError } from '../errors.ts';
import type { LoggedEntry } from '../../transparency/entry.ts';
import { JOURNAL_TTL_MS, type JournalEntry, type JournalKey, type SigningJournal } from './journal.ts';

/**
 * The journal in a SQLite file of the state directory (`<state-dir>/attestation-journal.db`):
 * WAL with synchronous=FULL, so an envelope recorded before its upload is still there after a
 * kill -9, and the next process replays it (the log answers 409 for it, never a new entry).
 */
export class SqliteSigningJournal implements SigningJournal {
  readonly #db: DatabaseSync;
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
    try {
      mkdirSync(dirname(path), { recursive: true });
      this.#db = new DatabaseSync(path);
      this.#db.exec(`PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;
        CREATE TABLE IF NOT EXISTS signed_envelopes (
          run_uid TEXT NOT NULL, format TEXT NOT NULL, payload_sha256 TEXT NOT NULL, signer TEXT NOT NULL,
          envelope TEXT NOT NULL, certificates TEXT, tlog_entry TEXT, signed_at INTEGER NOT NULL,
          PRIMARY KEY (run_uid, format, payload_sha256, signer));
        CREATE INDEX IF NOT EXISTS signed_envelopes_at ON signed_envelopes (signed_at);`);
      this.#prune();
    } catch (err) {
      throw controllerError('JOURNAL_FAILED', `cannot open the signing journal ${path}: ${(err as Error).message}`, err);
    }
  }

  async find(k: JournalKey): Promise<JournalEntry | undefined> {
    const row = this.#run('read', () => this.#db
      .prepare('SELECT envelope, certificates, tlog_entry FROM signed_envelopes WHERE run_uid = ? AND format = ? AND payload_sha256 = ? AND signer = ?')
      .get(k.runUid, k.format, k.payloadSha256, k.signer)) as { envelope: string; certificates: string | null; tlog_entry: string | null } | undefined;
    if (!row) return undefined;
    return {
      envelope: row.envelope,
      ...(row.certificates ? { certificates: JSON.parse(row.certificates) as string[] } : {}),
      ...(row.tlog_entry ? { tlog: JSON.parse(row.tlog_entry) as LoggedEntry } : {}),
    };
  }

  async signed(k: JournalKey, e: JournalEntry): Promise<void> {
    this.#run('write', () => {
      this.#prune();
      this.#db.prepare(`INSERT OR REPLACE INTO signed_envelopes (run_uid, format, payload_sha256, signer, envelope, certificates, tlog_entry, signed_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(k.runUid, k.format, k.payloadSha256, k.signer, e.envelope, e.certificates ? JSON.stringify(e.certificates) : null, e.tlog ? JSON.stringify(e.tlog) : null, Date.now());
    });
  }

  async logged(k: JournalKey, tlog: LoggedEntry): Promise<void> {
    this.#run('write', () => this.#db
      .prepare('UPDATE signed_envelopes SET tlog_entry = ? WHERE run_uid = ? AND format = ? AND payload_sha256 = ? AND signer = ?')
      .run(JSON.stringify(tlog), k.runUid, k.format, k.payloadSha256, k.signer));
  }

  async forget(runUid: string): Promise<void> {
    this.#run('write', () => this.#db.prepare('DELETE FROM signed_envelopes WHERE run_uid = ?').run(runUid));
  }

  /** How many envelopes are kept (tests). */
  count(): number {
    return Number((this.#db.prepare('SELECT count(*) AS n FROM signed_envelopes').get() as { n: number }).n);
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  #prune(): void {
    this.#db.prepare('DELETE FROM signed_envelopes WHERE signed_at < ?').run(Date.now() - JOURNAL_TTL_MS);
  }

  #run<T>(what: 'read' | 'write', fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw controllerError('JOURNAL_FAILED', `cannot ${what} the signing journal ${this.#path}: ${(err as Error).message}`, err);
    }
  }
}
