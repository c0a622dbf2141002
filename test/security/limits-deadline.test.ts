// Deadlines carried to the signer: work whose answer the interceptor already gave up on is
// dropped before the durable write and NEVER stored (the 8 x 25 MiB burst once answered
// SIGNER_TIMEOUT and stored all 8). A slow store is simulated by a gate in front of the real
// SQLite store: the store's own deadline check at commit is what is under test.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { createInterceptorApp } from '../../interceptor/app.ts';
import { memoryLogger } from '../../interceptor/observe/logger.ts';
import { StaticSecretResolver } from '../../signer/authenticity/secrets/static.ts';
import { UdsEventSigner } from '../../interceptor/signer-client/client.ts';
import type { SignedEventRecord } from '../../signer/events/event-record.ts';
import type { EventStore, PutOptions } from '../../signer/events/event-store.ts';
import { SqliteEventStore } from '../../signer/events/stores/sqlite.ts';
import { LocalSigner } from '../../signer/keys/local.ts';
import { encodeFrame, FrameKind, frameDeadline, FrameReader, PREFACE, type Frame } from '../../signer/protocol/frames.ts';
import { silentLogger, startSignerServer, type SignerServer } from '../../signer/server/index.ts';
import { githubRequest, STATIC_SECRETS } from '../interceptor/helpers/requests.ts';
import { unverifiedStatement, statementBytes } from '../signer/events/event-fixture.ts';

/** The real store behind a gate: puts wait until the test opens it (a stalled disk). */
class GatedStore implements EventStore {
  readonly inner: SqliteEventStore;
  #open: Promise<void> = Promise.resolve();
  #release: () => void = () => undefined;
  constructor(inner: SqliteEventStore) {
    this.inner = inner;
  }
  stall(): void {
    this.#open = new Promise((r) => (this.#release = r));
  }
  open(): void {
    this.#release();
    this.#open = Promise.resolve();
  }
  async put(r: SignedEventRecord, bytes?: Buffer, opts?: PutOptions) {
    await this.#open;
    return this.inner.put(r, bytes, opts);
  }
  getByEventId(id: string) {
    return this.inner.getByEventId(id);
  }
  getByDigest(d: string) {
    return this.inner.getByDigest(d);
  }
  ping() {
    return this.inner.ping();
  }
  async close() {
    await this.inner.close();
  }
}

let dir: string;
let store: GatedStore;
let server: SignerServer;
let socketPath: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tp-limits-deadline-'));
  socketPath = join(dir, 'signer.sock');
  store = new GatedStore(new SqliteEventStore(join(dir, 'events.db')));
  const signer = new LocalSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  server = await startSignerServer({ socketPath, signer, store, logger: silentLogger, secrets: new StaticSecretResolver(STATIC_SECRETS) });
});
after(async () => {
  store.open();
  await server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One framed exchange on a fresh connection. */
async function frame(kind: number, payload: Buffer): Promise<Frame> {
  const socket = createConnection(socketPath);
  const reader = new FrameReader(1 << 20);
  try {
    return await new Promise<Frame>((resolve, reject) => {
      socket.on('data', (c: Buffer) => {
        const [f] = reader.push(c);
        if (f) resolve(f);
      });
      socket.on('error', reject);
      socket.write(Buffer.concat([PREFACE, encodeFrame(kind as FrameKind, 1, payload)]));
    });
  } finally {
    socket.destroy();
  }
}

test('SignEventBy with its beginBy past: DEADLINE_EXCEEDED and nothing stored; with time left: signed and stored', async () => {
  const late = unverifiedStatement('{"late":1}', { eventId: 'deadline-late' });
  const answer = await frame(FrameKind.SignEventBy, Buffer.concat([frameDeadline({ beginBy: Date.now() - 1, answerBy: Date.now() + 1000 }), statementBytes(late)]));
  assert.equal(answer.kind, FrameKind.Error);
  assert.equal((JSON.parse(answer.payload.toString()) as { code: string }).code, 'DEADLINE_EXCEEDED');
  assert.equal(await store.getByEventId('deadline-late'), undefined);
  const ok = unverifiedStatement('{"ok":1}', { eventId: 'deadline-ok' });
  const signed = await frame(FrameKind.SignEventBy, Buffer.concat([frameDeadline({ beginBy: Date.now() + 5000, answerBy: Date.now() + 8000 }), statementBytes(ok)]));
  assert.equal(signed.kind, FrameKind.Signed);
  assert.ok(await store.getByEventId('deadline-ok'));
});

test('the store stalls past the deadline: the interceptor answers SIGNER_TIMEOUT and the event is NEVER stored, even once the store recovers', async () => {
  const client = new UdsEventSigner(socketPath, 1_000); // begin by 600 ms, give up at 1 s
  const app = createInterceptorApp({ signer: client, logger: memoryLogger() });
  try {
    store.stall();
    const req = githubRequest();
    const started = Date.now();
    const res = await request(app).post('/').set('content-type', 'application/json').send(JSON.stringify(req));
    assert.equal(res.body.continue, false);
    assert.match(res.body.status.message, /^SIGNER_TIMEOUT: /);
    assert.ok(Date.now() - started < 2_000);
    store.open(); // the disk comes back after the interceptor gave up
    await sleep(300);
    assert.equal(await store.getByEventId(req.context!.event_id), undefined, 'refused, so never stored');
    // control: the same path with a healthy store signs and stores
    const good = githubRequest();
    const ok = await request(app).post('/').set('content-type', 'application/json').send(JSON.stringify(good));
    assert.equal(ok.body.continue, true, JSON.stringify(ok.body));
    assert.ok(await store.getByEventId(good.context!.event_id));
  } finally {
    store.open();
    client.close();
  }
});

test('the interceptor byte budget: a request that cannot be admitted in time is refused INTERCEPTOR_BUSY (code 14) and never reaches the signer', async () => {
  const client = new UdsEventSigner(socketPath, 3_000);
  const app = createInterceptorApp({
    signer: client,
    logger: memoryLogger(),
    load: { inFlightBytes: 1024, maxQueueWaitMs: 300 },
  });
  try {
    store.stall(); // the first request holds the whole budget while the store stalls
    const first = githubRequest();
    const second = githubRequest();
    const p1 = request(app).post('/').set('content-type', 'application/json').send(JSON.stringify(first)).then((r) => r);
    await sleep(100);
    const r2 = await request(app).post('/').set('content-type', 'application/json').send(JSON.stringify(second));
    assert.equal(r2.body.continue, false);
    assert.equal(r2.body.status.code, 14);
    assert.match(r2.body.status.message, /^INTERCEPTOR_BUSY: /);
    store.open();
    const r1 = await p1;
    assert.equal(r1.body.continue, true, JSON.stringify(r1.body));
    assert.ok(await store.getByEventId(first.context!.event_id));
    assert.equal(await store.getByEventId(second.context!.event_id), undefined);
  } finally {
    store.open();
    client.close();
  }
});
