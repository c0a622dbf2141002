import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { main } from '../../../signer/cli/main.ts';
import { SqliteEventStore } from '../../../signer/events/stores/sqlite.ts';
import type { SignedEventRecord } from '../../../signer/events/event-record.ts';

// Issue 14, item 5: docs/deploy.md copied events.db with kubectl cp, losing every record still
// in events.db-wal. backup-events uses SQLite's online backup instead.
function record(i: number): SignedEventRecord {
  return {
    eventId: `ev-${i}`,
    digest: `sha256:${i.toString(16).padStart(64, '0')}`,
    triggerId: 'namespaces/ci/triggers/github-push',
    keyid: 'SHA256:abc',
    envelope: { payloadType: 'application/vnd.in-toto+json', payload: Buffer.from(`{"n":${i}}`).toString('base64'), signatures: [{ keyid: 'SHA256:abc', sig: 'AAAA' }] },
    storedAt: '2026-11-28T12:00:00.000Z',
  };
}

async function cli(argv: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (f: (s: string) => void) => ({ write: (s: string) => (f(s), true) }) as unknown as NodeJS.WritableStream;
  const code = await main(argv, { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), env: {}, cwd });
  return { code, out, err };
}

function countEvents(path: string): number {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return Number((db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n);
  } finally {
    db.close();
  }
}

test('backup-events copies the records still in the WAL, while the signer keeps the store open', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'backup-events-'));
  const path = join(dir, 'events.db');
  const store = new SqliteEventStore(path);
  try {
    await Promise.all(Array.from({ length: 25 }, (_, i) => store.put(record(i))));
    assert.ok(statSync(`${path}-wal`).size > 0, 'the records are (at least partly) in events.db-wal');
    // What `kubectl cp .../events.db` got: the main file alone.
    copyFileSync(path, join(dir, 'plain-copy.db'));
    const plain = (() => {
      try {
        return countEvents(join(dir, 'plain-copy.db'));
      } catch {
        return 0; // not even a table yet: everything was in the WAL
      }
    })();
    assert.ok(plain < 25, `a plain copy of events.db has ${plain} of 25 records`);

    const { code, out } = await cli(['backup-events', '--store', 'events.db', '--out', 'backup.db'], dir);
    assert.equal(code, 0);
    assert.match(out, /backed up 25 event record\(s\) \(\d+ bytes\) to .*backup\.db/);
    assert.equal(countEvents(join(dir, 'backup.db')), 25);
    assert.equal(existsSync(join(dir, 'backup.db.partial')), false);
    const copy = new SqliteEventStore(join(dir, 'backup.db'));
    assert.deepEqual(await copy.getByEventId('ev-24'), record(24), 'a record reads back intact from the backup');
    await copy.close();

    await store.put(record(25)); // the signer still writes after the backup
    assert.equal((await store.getByEventId('ev-25'))?.eventId, 'ev-25');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('backup-events refuses to overwrite, and a missing store or flag is one coded line, exit 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'backup-events-'));
  try {
    const store = new SqliteEventStore(join(dir, 'events.db'));
    await store.put(record(1));
    await store.close();
    assert.equal((await cli(['backup-events', '--store', 'events.db', '--out', 'b.db'], dir)).code, 0);
    const again = await cli(['backup-events', '--store', 'events.db', '--out', 'b.db'], dir);
    assert.equal(again.code, 2);
    assert.match(again.err, /already exists; a backup never overwrites .*\[STORE_CONFIG\]/);
    const missing = await cli(['backup-events', '--store', 'nope.db', '--out', 'c.db'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /no SQLite store at .*nope\.db \[STORE_UNAVAILABLE\]/);
    assert.equal((await cli(['backup-events', '--store', 'events.db'], dir)).code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
