import { randomUUID } from 'node:crypto';
import { chmodSync, closeSync, existsSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import { eventError } from '../errors.ts';

/**
 * Integrity of the SQLite event store's files (docs/security.md, "Limits and integrity"):
 * a marker beside the database says a store was created here and which one, so an empty,
 * missing or foreign `events.db` is refused instead of silently starting empty; PRAGMA
 * quick_check at start; files 0600; corruption recognised in any error.
 */

/** The marker file of a store: `<db>.marker`, JSON {storeId, createdAt}. */
export function markerPath(dbPath: string): string {
  return `${dbPath}.marker`;
}

export interface StoreMarker {
  storeId: string;
  createdAt: string;
}

const META = `CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS store_health (id INTEGER PRIMARY KEY CHECK (id = 1), checked_at TEXT NOT NULL) STRICT;`;

/** The marker, or undefined when this state dir never held a store (or predates markers). */
export function readMarker(dbPath: string): StoreMarker | undefined {
  const path = markerPath(dbPath);
  if (!existsSync(path)) return undefined;
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as Partial<StoreMarker>;
    if (typeof m.storeId === 'string' && typeof m.createdAt === 'string') return { storeId: m.storeId, createdAt: m.createdAt };
  } catch {
    // fall through: a marker we cannot read is not one we wrote
  }
  throw eventError('STORE_MISMATCH', `${path} is not a store marker this signer wrote; refusing to guess which store belongs here`);
}

/**
 * Before opening: a state dir whose marker says a store was created refuses a missing or
 * 0-byte database (every acknowledged event would be gone without a word).
 */
export function refuseEmptyStore(dbPath: string, marker: StoreMarker | undefined): void {
  if (marker === undefined) return;
  const size = existsSync(dbPath) ? statSync(dbPath).size : -1;
  if (size > 0) return;
  throw eventError(
    'STORE_MISSING',
    `${dbPath} is ${size < 0 ? 'missing' : 'empty (0 bytes)'} but ${markerPath(dbPath)} says store ${marker.storeId} was created here at ${marker.createdAt}: ` +
      'refusing to start on an empty store (every acknowledged event would be lost). Restore the file from a backup, ' +
      `or remove ${markerPath(dbPath)} to start a new, empty store on purpose.`,
  );
}

/**
 * Runs `open` with umask 077 (so SQLite's -wal and -shm, created with the database file's
 * mode, are 0600 from their first byte) after creating a missing database file 0600 ourselves.
 */
export function withPrivateFiles<T>(dbPath: string, open: () => T): T {
  const previous = process.umask(0o077);
  try {
    if (!existsSync(dbPath)) closeSync(openSync(dbPath, 'wx', 0o600));
    return open();
  } finally {
    process.umask(previous);
  }
}

/** PRAGMA quick_check: every page of every b-tree is readable and well-formed (O(file size), at start). */
export function quickCheck(db: DatabaseSync, dbPath: string): void {
  let rows: string[];
  try {
    rows = db.prepare('PRAGMA quick_check(5)').all().map((r) => String(Object.values(r)[0]));
  } catch (err) {
    throw corrupt(dbPath, (err as Error).message, err);
  }
  if (rows.length !== 1 || rows[0] !== 'ok') throw corrupt(dbPath, rows.join('; '));
}

/**
 * The store id in the database: created (and the marker written) for a new store or one from
 * before markers; compared with the marker otherwise. A database that is not the marker's
 * store (a copy of another, a file from elsewhere) is refused.
 */
export function bindMarker(db: DatabaseSync, dbPath: string, marker: StoreMarker | undefined): void {
  db.exec(META);
  const row = db.prepare(`SELECT value FROM store_meta WHERE key = 'store_id'`).get();
  const inFile = row === undefined ? undefined : String(row.value);
  if (marker !== undefined) {
    if (inFile !== marker.storeId) {
      throw eventError(
        'STORE_MISMATCH',
        `${dbPath} is not the store ${markerPath(dbPath)} names (store ${marker.storeId}; the file holds ${inFile === undefined ? 'no store id' : `store ${inFile}`}): refusing a foreign database`,
      );
    }
    return;
  }
  const storeId = inFile ?? randomUUID();
  if (inFile === undefined) db.prepare(`INSERT INTO store_meta (key, value) VALUES ('store_id', ?)`).run(storeId);
  const created: StoreMarker = { storeId, createdAt: new Date().toISOString() };
  writeFileSync(markerPath(dbPath), `${JSON.stringify(created)}\n`, { mode: 0o600, flag: 'wx' });
}

/** Every file of the store 0600 (files from older versions were 0644); a file we cannot tighten is an error. */
export function tightenModes(dbPath: string): void {
  for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`, markerPath(dbPath)]) {
    if (!existsSync(f)) continue;
    if ((statSync(f).mode & 0o077) !== 0) chmodSync(f, 0o600);
    if ((statSync(f).mode & 0o077) !== 0) throw eventError('STORE_UNAVAILABLE', `${f} is readable by others and cannot be made 0600`);
  }
}

/**
 * The health probe: frees the page cache (so pages come from the file, not memory), then in
 * one transaction updates the health row (`write`: a committed, fsync'd write) and reads the
 * store id and the last row of each b-tree of the events table. A corrupt root or edge page, a read-only or full disk,
 * a vanished file: each fails here, not only when the next event arrives.
 */
export function probe(db: DatabaseSync, write = true): void {
  db.exec('PRAGMA shrink_memory');
  db.exec(write ? 'BEGIN IMMEDIATE' : 'BEGIN');
  try {
    if (write) {
      db.prepare(`INSERT INTO store_health (id, checked_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at`).run(new Date().toISOString());
    }
    db.prepare(`SELECT value FROM store_meta WHERE key = 'store_id'`).get();
    db.prepare('SELECT rowid FROM events ORDER BY rowid DESC LIMIT 1').get();
    db.prepare('SELECT event_id FROM events ORDER BY event_id DESC LIMIT 1').get();
    db.prepare('SELECT digest FROM events ORDER BY digest DESC LIMIT 1').get();
    db.exec('COMMIT');
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

/** SQLITE_CORRUPT (11) and SQLITE_NOTADB (26), including extended codes. */
export function isCorruption(err: unknown): boolean {
  const code = (err as { errcode?: unknown }).errcode;
  return typeof code === 'number' && ((code & 0xff) === 11 || (code & 0xff) === 26);
}

export function corrupt(dbPath: string, detail: string, cause?: unknown) {
  return eventError('STORE_CORRUPT', `the SQLite event store ${dbPath} is corrupt (${detail}); restore it from a backup`, cause);
}
