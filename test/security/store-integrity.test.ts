// Hostile state for the SQLite event store: a page overwritten, a truncated (0-byte) or missing
// database, a foreign database, corruption while running, and file modes. Each asserts the
// documented coded refusal, that the health probes fail, and that nothing starts empty.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, statSync, truncateSync, writeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import request from 'supertest';
import { createInterceptorApp } from '../../interceptor/app.ts';
import { memoryLogger } from '../../interceptor/observe/logger.ts';
import { UdsEventSigner } from '../../interceptor/signer-client/client.ts';
import { isProvenanceError } from '../../signer/errors.ts';
import type { SignedEventRecord } from '../../signer/events/event-record.ts';
import { SqliteEventStore } from '../../signer/events/stores/sqlite.ts';
import { LocalSigner } from '../../signer/keys/local.ts';
import { silentLogger, startSignerServer } from '../../signer/server/index.ts';
import { udsRequest } from '../signer/server/uds-client.ts';

const PAGE = 16384;

function record(n: number): SignedEventRecord {
  const hex = n.toString(16).padStart(64, '0');
  return {
    eventId: `ev-${n}`,
    digest: `sha256:${hex}`,
    triggerId: 'namespaces/ci/triggers/t',
    keyid: 'SHA256:abc',
    envelope: { payloadType: 'application/vnd.in-toto+json', payload: randomBytes(1500).toString('base64'), signatures: [{ keyid: 'SHA256:abc', sig: 'AAAA' }] },
    storedAt: '2026-12-07T12:00:00.000Z',
  };
}

/** A store holding `n` acknowledged events, closed (checkpointed into the main file). */
async function filledStore(n = 300): Promise<{ dir: string; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tp-store-integrity-'));
  const path = join(dir, 'state', 'events.db');
  const store = new SqliteEventStore(path);
  await Promise.all(Array.from({ length: n }, (_, i) => store.put(record(i))));
  await store.close();
  return { dir, path };
}

function overwritePage(path: string, page: number): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, randomBytes(PAGE), 0, PAGE, (page - 1) * PAGE);
  } finally {
    closeSync(fd);
  }
}

const refuses = (path: string, code: string) =>
  assert.throws(() => new SqliteEventStore(path), (e: unknown) => isProvenanceError(e, code) && e.message.includes(path), code);

/** The signer container's entry on this state dir: exit code and its last log line. */
async function signerEntry(dir: string): Promise<{ code: number | null; line: { code?: string; message?: string } }> {
  const key = join(dir, 'key.pem');
  writeFileSync(key, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const child = spawn(process.execPath, [join(import.meta.dirname, '../../signer/main/signer.ts'), '--key', key, '--socket', join(dir, 's.sock'), '--state-dir', join(dir, 'state')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  return { code, line: JSON.parse(err.trim().split('\n').at(-1) ?? '{}') as { code?: string; message?: string } };
}

describe('store integrity at start', () => {
  test('a page overwritten: STORE_CORRUPT naming the file (quick_check), the signer exits 1 with that code', async () => {
    const { dir, path } = await filledStore();
    try {
      const pages = statSync(path).size / PAGE;
      assert.ok(pages > 10, `${pages} pages`);
      overwritePage(path, Math.floor(pages / 2));
      refuses(path, 'STORE_CORRUPT');
      const entry = await signerEntry(dir);
      assert.equal(entry.code, 1);
      assert.equal(entry.line.code, 'STORE_CORRUPT');
      assert.match(entry.line.message ?? '', /events\.db is corrupt/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a truncated (0-byte) or missing events.db where a store was created: STORE_MISSING, and it stays empty', async () => {
    const { dir, path } = await filledStore(20);
    try {
      truncateSync(path, 0);
      rmSync(`${path}-wal`, { force: true });
      refuses(path, 'STORE_MISSING');
      assert.equal(statSync(path).size, 0, 'nothing was created in its place');
      const entry = await signerEntry(dir);
      assert.deepEqual([entry.code, entry.line.code], [1, 'STORE_MISSING']);
      assert.match(entry.line.message ?? '', /events\.db is empty \(0 bytes\) but .*events\.db\.marker says store/);
      rmSync(path);
      refuses(path, 'STORE_MISSING');
      assert.equal(existsSync(path), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("another store's database copied in: STORE_MISMATCH (the marker names another store)", async () => {
    const a = await filledStore(5);
    const b = await filledStore(5);
    try {
      copyFileSync(b.path, a.path);
      refuses(a.path, 'STORE_MISMATCH');
      const foreign = new DatabaseSync(join(a.dir, 'other.db'));
      foreign.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1);');
      foreign.close();
      copyFileSync(join(a.dir, 'other.db'), a.path);
      refuses(a.path, 'STORE_MISMATCH');
    } finally {
      rmSync(a.dir, { recursive: true, force: true });
      rmSync(b.dir, { recursive: true, force: true });
    }
  });

  test('a fresh state dir still starts (and writes its marker); a store from before markers is adopted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-store-integrity-'));
    try {
      const path = join(dir, 'events.db');
      const store = new SqliteEventStore(path);
      await store.put(record(1));
      await store.close();
      const marker = JSON.parse(readFileSync(`${path}.marker`, 'utf8')) as { storeId: string };
      const db = new DatabaseSync(path);
      assert.equal(db.prepare(`SELECT value FROM store_meta WHERE key = 'store_id'`).get()?.value, marker.storeId);
      db.close();
      rmSync(`${path}.marker`);
      const adopted = new SqliteEventStore(path);
      assert.ok(await adopted.getByEventId('ev-1'));
      await adopted.close();
      assert.equal((JSON.parse(readFileSync(`${path}.marker`, 'utf8')) as { storeId: string }).storeId, marker.storeId);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('corruption while running: /v1/healthz and the interceptor /ready fail (503), they do not say ok', async () => {
  const { dir, path } = await filledStore();
  const db = new DatabaseSync(path, { readOnly: true });
  const root = Number(db.prepare(`SELECT rootpage FROM sqlite_master WHERE name = 'events'`).get()?.rootpage);
  db.close();
  const store = new SqliteEventStore(path);
  const socketPath = join(dir, 'signer.sock');
  const server = await startSignerServer({ socketPath, signer: LocalSigner.fromPem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' })), store, logger: silentLogger });
  const client = new UdsEventSigner(socketPath);
  const app = createInterceptorApp({ signer: client, logger: memoryLogger() });
  try {
    assert.equal((await udsRequest(socketPath, 'GET', '/v1/healthz')).status, 200);
    assert.equal((await request(app).get('/ready')).status, 200);
    overwritePage(path, root);
    const health = await udsRequest(socketPath, 'GET', '/v1/healthz');
    assert.equal(health.status, 503, JSON.stringify(health.json));
    assert.equal((health.json as { error: { code: string } }).error.code, 'STORE_CORRUPT');
    assert.equal((await request(app).get('/ready')).status, 503);
    assert.equal((await udsRequest(socketPath, 'GET', '/v1/events/ev-7')).status, 503, 'reads fail too');
    assert.equal((await udsRequest(socketPath, 'GET', '/v1/healthz')).status, 503, 'and the probe stays failed');
  } finally {
    client.close();
    await server.close();
    await store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every store file (db, -wal, -shm, marker) is 0600 under umask 022, and older 0644 files are tightened', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tp-store-integrity-'));
  const previous = process.umask(0o022);
  try {
    const path = join(dir, 'events.db');
    const files = [path, `${path}-wal`, `${path}-shm`, `${path}.marker`];
    const store = new SqliteEventStore(path);
    await store.put(record(1));
    await store.ping();
    for (const f of files) assert.equal(statSync(f).mode & 0o777, 0o600, f);
    await store.close();
    for (const f of files.filter((x) => existsSync(x))) chmodSync(f, 0o644);
    const reopened = new SqliteEventStore(path);
    await reopened.put(record(2));
    for (const f of files) assert.equal(statSync(f).mode & 0o777, 0o600, f);
    await reopened.close();
  } finally {
    process.umask(previous);
    rmSync(dir, { recursive: true, force: true });
  }
});
