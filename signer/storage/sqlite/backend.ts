import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { RunRef, SignedAttestation } from '../../attest/types.ts';
import { serializeEnvelope } from '../../dsse/sign.ts';
import type { AttestationStorage, StoredLocation } from '../backend.ts';
import { storageError } from '../errors.ts';

/** One stored row, as `read` returns it (verifiers and tests). */
export interface StoredAttestationRow {
  runUid: string;
  format: string;
  namespace: string;
  name: string;
  predicateType: string;
  envelope: string;
  storedAt: string;
  /** The transparency log entry (`LoggedEntry` JSON) when the attestation was logged. */
  tlogEntry?: string;
  /** Keyless: the certificate chain (JSON array of PEM, leaf first). */
  certificates?: string;
}

/**
 * The embedded backend (node:sqlite, WAL, synchronous=FULL so a confirmed write survives a
 * crash). Keyed by (run uid, format): storing again keeps the first row, which makes a
 * restart between signing and storing harmless.
 */
export class SqliteAttestationStorage implements AttestationStorage {
  readonly name = 'sqlite';
  readonly #db: DatabaseSync;
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      this.#db = new DatabaseSync(path);
      this.#db.exec(`PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;
        CREATE TABLE IF NOT EXISTS attestations (
          run_uid TEXT NOT NULL, format TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
          predicate_type TEXT NOT NULL, envelope TEXT NOT NULL, stored_at TEXT NOT NULL,
          PRIMARY KEY (run_uid, format))`);
      // Added with transparency: databases made before get the column on open.
      const columns = this.#db.prepare('PRAGMA table_info(attestations)').all() as Array<{ name: string }>;
      if (!columns.some((c) => c.name === 'tlog_entry')) this.#db.exec('ALTER TABLE attestations ADD COLUMN tlog_entry TEXT');
      if (!columns.some((c) => c.name === 'certificates')) this.#db.exec('ALTER TABLE attestations ADD COLUMN certificates TEXT');
    } catch (err) {
      throw storageError('SQLITE_FAILED', `cannot open the attestation database ${path}`, err);
    }
  }

  async store(run: RunRef, attestation: SignedAttestation): Promise<StoredLocation> {
    try {
      this.#db
        .prepare(`INSERT OR IGNORE INTO attestations (run_uid, format, namespace, name, predicate_type, envelope, stored_at, tlog_entry, certificates)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(run.uid, attestation.format, run.namespace, run.name, attestation.predicateType,
          serializeEnvelope(attestation.envelope), new Date().toISOString(), attestation.tlog ? JSON.stringify(attestation.tlog) : null,
          attestation.certificates ? JSON.stringify(attestation.certificates) : null);
    } catch (err) {
      throw storageError('SQLITE_FAILED', `cannot store the ${attestation.format} attestation of ${run.namespace}/${run.name}`, err);
    }
    return { backend: this.name, location: `sqlite://${this.#path}#${run.uid}/${attestation.format}` };
  }

  /** Every stored attestation of one run (all formats), oldest first. */
  read(runUid: string): StoredAttestationRow[] {
    const rows = this.#db
      .prepare(`SELECT run_uid, format, namespace, name, predicate_type, envelope, stored_at, tlog_entry, certificates FROM attestations WHERE run_uid = ? ORDER BY stored_at`)
      .all(runUid) as Array<Record<string, string | null>>;
    return rows.map((r) => ({
      runUid: r['run_uid'] as string, format: r['format'] as string, namespace: r['namespace'] as string,
      name: r['name'] as string, predicateType: r['predicate_type'] as string, envelope: r['envelope'] as string,
      storedAt: r['stored_at'] as string, ...(r['tlog_entry'] ? { tlogEntry: r['tlog_entry'] } : {}),
      ...(r['certificates'] ? { certificates: r['certificates'] } : {}),
    }));
  }

  count(): number {
    return Number((this.#db.prepare('SELECT count(*) AS n FROM attestations').get() as { n: number }).n);
  }

  /** Idempotent: a controller closes its backends on stop and on config reload. */
  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }
}
