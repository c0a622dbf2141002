import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { backup, DatabaseSync } from 'node:sqlite';
import { eventError } from '../errors.ts';

export interface BackupResult {
  /** Records in the backup's `events` table (undefined for a file without one, e.g. attestations.db). */
  events: number | undefined;
  bytes: number;
}

/**
 * Copies a live SQLite file with SQLite's online backup, through a read-only connection: the
 * copy is one consistent snapshot that includes the records still in the `-wal` file (which a
 * plain copy of the main file loses) and the writer is never blocked (WAL readers do not block
 * it). Written to `<out>.partial`, checked, then renamed, so `out` is never half a database.
 */
export async function backupSqliteFile(source: string, out: string): Promise<BackupResult> {
  if (!existsSync(source)) throw eventError('STORE_UNAVAILABLE', `no SQLite store at ${source}`);
  if (existsSync(out)) throw eventError('STORE_CONFIG', `${out} already exists; a backup never overwrites (choose another --out)`);
  const partial = `${out}.partial`;
  rmSync(partial, { force: true });
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(source, { readOnly: true });
    db.exec('PRAGMA busy_timeout = 5000');
    // All pages in one step: one read transaction, one snapshot, no restart when the signer writes meanwhile.
    await backup(db, partial, { rate: 0x7fffffff });
  } catch (err) {
    rmSync(partial, { force: true });
    throw eventError('STORE_UNAVAILABLE', `cannot back up ${source}: ${(err as Error).message}`, err);
  } finally {
    db?.close();
  }
  const events = checkCopy(partial);
  renameSync(partial, out);
  return { events, bytes: statSync(out).size };
}

/** The copy must pass SQLite's integrity check; counts its events when it has the table. */
function checkCopy(path: string): number | undefined {
  const copy = new DatabaseSync(path, { readOnly: true });
  try {
    const check = copy.prepare('PRAGMA integrity_check').get() as { integrity_check?: string } | undefined;
    if (check?.integrity_check !== 'ok') throw eventError('STORE_UNAVAILABLE', `the backup at ${path} fails SQLite's integrity check: ${String(check?.integrity_check)}`);
    const table = copy.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'events'").get();
    if (!table) return undefined;
    return Number((copy.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n);
  } finally {
    copy.close();
  }
}
