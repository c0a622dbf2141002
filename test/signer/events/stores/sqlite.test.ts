import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SqliteEventStore } from '../../../../signer/events/stores/sqlite.ts';
import { openEventStore, eventStores } from '../../../../signer/events/stores/index.ts';
import type { SignedEventRecord } from '../../../../signer/events/event-record.ts';
import { isProvenanceError } from '../../../../signer/errors.ts';
import { parseRecord, serializeRecord } from '../../../../signer/events/record-codec.ts';

function record(eventId: string, hex: string, storedAt = '2026-11-28T12:00:00.000Z'): SignedEventRecord {
  return {
    eventId,
    digest: `sha256:${hex.repeat(64).slice(0, 64)}`,
    triggerId: 'namespaces/ci/triggers/t',
    keyid: 'SHA256:abc',
    envelope: {
      payloadType: 'application/vnd.in-toto+json',
      payload: 'e30=',
      signatures: [{ keyid: 'SHA256:abc', sig: 'AAAA' }],
    },
    storedAt,
  };
}

test('put, lookups, idempotent repeat, conflict, and data survives reopening', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tp-sqlite-'));
  const path = join(dir, 'state', 'events.db');
  try {
    const store = new SqliteEventStore(path);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const a = record('ev-a', 'a');
    const b = record('ev-b', 'a', '2026-11-28T12:00:01.000Z'); // same body redelivered as a new event
    assert.deepEqual(await store.put(a), a);
    await store.put(b);
    const repeat = { ...a, storedAt: '2030-01-01T00:00:00.000Z' };
    assert.deepEqual(await store.put(repeat), a, 'a repeat returns the record stored first');
    await assert.rejects(store.put(record('ev-a', 'b')), (e) => isProvenanceError(e, 'EVENT_CONFLICT'));
    assert.deepEqual(await store.getByEventId('ev-a'), a);
    assert.equal(await store.getByEventId('nope'), undefined);
    assert.deepEqual(await store.getByDigest(a.digest), [a, b]);
    assert.deepEqual(await store.getByDigest(record('x', 'c').digest), []);
    await store.close();
    // WAL + synchronous=FULL, as configured:
    const db = new DatabaseSync(path);
    assert.equal((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode, 'wal');
    db.close();
    const reopened = new SqliteEventStore(path);
    assert.deepEqual(await reopened.getByEventId('ev-b'), b);
    await reopened.close();
    await assert.rejects(reopened.getByEventId('ev-a'), (e) => isProvenanceError(e, 'STORE_UNAVAILABLE'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stores are chosen by config name; unknown names list the known ones', async () => {
  assert.deepEqual(eventStores.names(), ['kubernetes-secrets', 'postgres', 'sqlite']);
  const dir = mkdtempSync(join(tmpdir(), 'tp-sqlite-'));
  try {
    const store = await openEventStore(undefined, { stateDir: dir });
    assert.ok(store instanceof SqliteEventStore);
    assert.equal(statSync(join(dir, 'events.db')).isFile(), true);
    await store.close();
    await assert.rejects(openEventStore('etcd', { stateDir: dir }), (e) =>
      isProvenanceError(e, 'UNKNOWN_PLUGIN'),
    );
    await assert.rejects(openEventStore('kubernetes-secrets', { stateDir: dir }), (e) =>
      isProvenanceError(e, 'STORE_CONFIG'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The table and INSERT every events.db had before the compact layout (one JSON record per row). */
const LEGACY_SCHEMA = `
CREATE TABLE events (
  event_id   TEXT PRIMARY KEY,
  digest     TEXT NOT NULL,
  trigger_id TEXT NOT NULL,
  keyid      TEXT NOT NULL,
  stored_at  TEXT NOT NULL,
  record     TEXT NOT NULL
) STRICT;
CREATE INDEX events_by_digest ON events (digest);
`;

function legacyFile(path: string, records: SignedEventRecord[]): void {
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL;');
  db.exec(LEGACY_SCHEMA);
  const insert = db.prepare(
    'INSERT INTO events (event_id, digest, trigger_id, keyid, stored_at, record) VALUES (?, ?, ?, ?, ?, ?)',
  );
  for (const r of records) insert.run(r.eventId, r.digest, r.triggerId, r.keyid, r.storedAt, serializeRecord(r));
  db.close();
}

function pageSize(path: string): number {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return Number((db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size);
  } finally {
    db.close();
  }
}

function rawRow(path: string, eventId: string): Record<string, unknown> | undefined {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db.prepare('SELECT * FROM events WHERE event_id = ?').get(eventId);
  } finally {
    db.close();
  }
}

test('an events.db in the older JSON-record layout is read, and written in that layout', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tp-sqlite-'));
  const path = join(dir, 'events.db');
  try {
    const old = [record('ev-old-1', 'a'), record('ev-old-2', 'a', '2026-11-28T12:00:01.000Z')];
    old[1]!.envelope.payload = Buffer.from('{"_type":"x"}').toString('base64');
    legacyFile(path, old);
    const store = new SqliteEventStore(path);
    assert.deepEqual(await store.getByEventId('ev-old-1'), old[0]);
    assert.deepEqual(await store.getByDigest(old[0]!.digest), old);
    const added = record('ev-new', 'b');
    assert.deepEqual(await store.put(added, Buffer.from('{}')), added);
    assert.deepEqual(await store.put({ ...old[0]!, storedAt: '2030-01-01T00:00:00.000Z' }), old[0]);
    await assert.rejects(store.put(record('ev-old-1', 'c')), (e) => isProvenanceError(e, 'EVENT_CONFLICT'));
    await store.close();
    // Still the old layout (and pages), so an older signer or CLI keeps reading the file.
    assert.deepEqual(parseRecord(rawRow(path, 'ev-new')!.record as string), added);
    assert.equal(pageSize(path), 4096);
    const reopened = new SqliteEventStore(path);
    assert.deepEqual(await reopened.getByEventId('ev-new'), added);
    await reopened.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a reader (attest --store) changes nothing in someone else\'s file: an older store stays byte for byte', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tp-sqlite-'));
  const path = join(dir, 'events.db');
  try {
    const old = [record('ev-old-1', 'a')];
    legacyFile(path, old);
    const before = { bytes: readFileSync(path), files: readdirSync(dir).sort() };
    const reader = new SqliteEventStore(path, { reader: true });
    assert.deepEqual(await reader.getByEventId('ev-old-1'), old[0]);
    assert.deepEqual(await reader.getByDigest(old[0]!.digest), old);
    await reader.close();
    assert.ok(readFileSync(path).equals(before.bytes), 'the file is unchanged');
    // No marker and nothing written: the only files added are SQLite's own WAL index and an
    // empty log, which any read-only WAL connection leaves (they hold no data).
    assert.deepEqual(readdirSync(dir).filter((f) => !before.files.includes(f)).sort(), ['events.db-shm', 'events.db-wal']);
    assert.equal(statSync(`${path}-wal`).size, 0, 'nothing written to the log');
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      assert.deepEqual(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((r) => r.name), ['events']);
    } finally {
      db.close();
    }
    // a file that is not an event store is named, not turned into an empty one
    const other = join(dir, 'other.db');
    new DatabaseSync(other).close();
    assert.throws(() => new SqliteEventStore(other, { reader: true }), (e) => isProvenanceError(e, 'STORE_UNAVAILABLE') && /not a tekton-provenance event store/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('new files keep the statement as raw bytes, and any other payload text verbatim', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tp-sqlite-'));
  const path = join(dir, 'events.db');
  try {
    const statement = Buffer.from('{"_type":"https://in-toto.io/Statement/v1","body":"caf\u00e9 \\"q\\""}');
    const signed = record('ev-bytes', 'a');
    signed.envelope.payload = statement.toString('base64');
    const decoded = record('ev-decoded', 'b'); // no bytes given: the store decodes the base64
    decoded.envelope.payload = statement.toString('base64');
    const urlSafe = record('ev-url', 'c'); // not canonical standard base64: kept as text
    urlSafe.envelope.payload = Buffer.from([0xfb, 0xff]).toString('base64url');
    const inChunk = record('ev-view', 'e'); // the bytes as a view into a bigger read buffer
    inChunk.envelope.payload = statement.toString('base64');
    const chunk = Buffer.concat([Buffer.from('HEAD'), statement, Buffer.from('TAIL')]);
    const view = chunk.subarray(4, 4 + statement.length);
    const noKeyid = record('ev-nokeyid', 'd');
    noKeyid.envelope.signatures = [{ sig: 'AAAA' }, { keyid: 'SHA256:other', sig: 'BBBB' }];
    const store = new SqliteEventStore(path);
    await Promise.all([store.put(signed, statement), store.put(decoded), store.put(urlSafe), store.put(noKeyid), store.put(inChunk, view)]);
    for (const r of [signed, decoded, urlSafe, noKeyid, inChunk]) assert.deepEqual(await store.getByEventId(r.eventId), r);
    await store.close();
    const row = rawRow(path, 'ev-bytes')!;
    assert.equal(row.record, undefined, 'no JSON record column');
    assert.deepEqual(Buffer.from(row.payload as Uint8Array), statement);
    assert.deepEqual(rawRow(path, 'ev-decoded')!.payload, row.payload, 'the same row with or without the bytes');
    assert.deepEqual(rawRow(path, 'ev-view')!.payload, row.payload, 'only the bytes of the view');
    assert.equal(rawRow(path, 'ev-url')!.payload, urlSafe.envelope.payload);
    assert.equal(pageSize(path), 16384, 'records span pages: bigger pages, fewer overflow pages and WAL frames');
    const reopened = new SqliteEventStore(path);
    assert.deepEqual(await reopened.getByDigest(signed.digest), [signed]);
    await reopened.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a damaged row reads as INVALID_EVENT_RECORD, like a damaged JSON record', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tp-sqlite-'));
  const path = join(dir, 'events.db');
  try {
    const store = new SqliteEventStore(path);
    await store.put(record('ev-1', 'a'));
    await store.put(record('ev-2', 'b'));
    const db = new DatabaseSync(path);
    db.prepare("UPDATE events SET signatures = '[{' WHERE event_id = 'ev-1'").run();
    db.prepare("UPDATE events SET signatures = '[{\"keyid\":1}]' WHERE event_id = 'ev-2'").run();
    db.close();
    await assert.rejects(store.getByEventId('ev-1'), (e) => isProvenanceError(e, 'INVALID_EVENT_RECORD'));
    // The envelope checks of the DSSE parser, as for a JSON record.
    await assert.rejects(store.getByEventId('ev-2'), (e) => isProvenanceError(e, 'MALFORMED_ENVELOPE'));
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
