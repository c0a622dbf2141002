import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SqliteEventStore } from '../../../../signer/events/stores/sqlite.ts';
import { openEventStore, eventStores } from '../../../../signer/events/stores/index.ts';
import type { SignedEventRecord } from '../../../../signer/events/event-record.ts';
import { isProvenanceError } from '../../../../signer/errors.ts';

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
  assert.deepEqual(eventStores.names(), ['kubernetes-secrets', 'sqlite']);
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
