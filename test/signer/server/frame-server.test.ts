import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection, type Socket } from 'node:net';
import { verifyEnvelope } from '../../../signer/dsse/verify.ts';
import { PublicKeyVerifier } from '../../../signer/keys/local.ts';
import { encodeFrame, frameHeader, FrameKind, FrameReader, PREFACE, type Frame } from '../../../signer/protocol/frames.ts';
import { unverifiedStatement, p256Signer, statementBytes } from '../events/event-fixture.ts';
import { startTestSigner, type TestSigner } from './signer-fixture.ts';
import { postRawStatement, udsRequest } from './uds-client.ts';

// The real signer on its real socket, spoken to with raw frames (what the interceptor's client
// sends) and with HTTP on the same socket (tools), to show the two are told apart per connection.
const signer = p256Signer();
let fx: TestSigner;
let socketPath: string;

before(async () => {
  fx = await startTestSigner(signer, { prefix: 'tp-frames-', maxRequestBytes: 1 << 20 });
  socketPath = fx.socketPath;
});
after(() => fx.stop());

/** A raw framed connection: send frames, collect answers, see when the signer hangs up. */
function connect(): Promise<{ socket: Socket; frames: Frame[]; next: (n: number) => Promise<Frame[]>; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    const reader = new FrameReader(1 << 20);
    const frames: Frame[] = [];
    let wake = () => undefined as void;
    socket.on('data', (c: Buffer) => {
      frames.push(...reader.push(c));
      wake();
    });
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    const next = async (n: number) => {
      while (frames.length < n) await new Promise<void>((r) => (wake = r));
      return frames.splice(0, n);
    };
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(PREFACE);
      resolve({ socket, frames, next, closed });
    });
  });
}

test('events sent back to back on one connection are each answered Signed by id, durable and verifiable', async () => {
  const c = await connect();
  const statements = [1, 2, 3, 4].map((n) => unverifiedStatement(`{"n":${n}}`));
  c.socket.write(Buffer.concat(statements.map((st, i) => encodeFrame(FrameKind.SignEvent, 100 + i, statementBytes(st)))));
  const answers = await c.next(4);
  assert.deepEqual(answers.map((a) => a.kind), [FrameKind.Signed, FrameKind.Signed, FrameKind.Signed, FrameKind.Signed]);
  for (const a of answers) {
    const st = statements[a.id - 100]!;
    const summary = JSON.parse(a.payload.toString()) as { eventId: string; signature: string; created: boolean };
    assert.equal(summary.eventId, st.predicate.context.eventId);
    assert.equal(summary.created, true);
    const stored = await fx.store.getByEventId(summary.eventId);
    assert.ok(stored, 'stored before the answer');
    assert.equal(stored.envelope.signatures[0]?.sig, summary.signature);
    assert.deepEqual(verifyEnvelope(stored.envelope, [new PublicKeyVerifier(signer.publicKey)]).payload, statementBytes(st));
  }
  c.socket.destroy();
});

test('a statement the signer refuses is an Error frame with the same code as over HTTP, and the connection stays usable', async () => {
  const c = await connect();
  c.socket.write(encodeFrame(FrameKind.SignEvent, 1, Buffer.from('{"not":"a statement"}')));
  const [err] = await c.next(1);
  assert.equal(err?.kind, FrameKind.Error);
  assert.equal((JSON.parse(err!.payload.toString()) as { code: string }).code, 'INVALID_EVENT_RECORD');
  const http = await postRawStatement(socketPath, Buffer.from('{"not":"a statement"}'));
  assert.equal((http.json as { error: { code: string } }).error.code, 'INVALID_EVENT_RECORD');
  c.socket.write(encodeFrame(FrameKind.Ping, 2));
  const [pong] = await c.next(1);
  assert.deepEqual([pong?.kind, pong?.id, pong?.payload.toString()], [FrameKind.Pong, 2, '{"status":"ok"}']);
  c.socket.destroy();
});

test('HTTP on the same socket still works (health, fetch a record signed over frames)', async () => {
  const c = await connect();
  const st = unverifiedStatement('{"via":"frames"}');
  c.socket.write(encodeFrame(FrameKind.SignEvent, 9, statementBytes(st)));
  await c.next(1);
  c.socket.destroy();
  assert.equal((await udsRequest(socketPath, 'GET', '/v1/healthz')).status, 200);
  const got = await udsRequest(socketPath, 'GET', `/v1/events/${st.predicate.context.eventId}`);
  assert.equal(got.status, 200);
});

test('a frame declared over the limit is refused with EVENT_TOO_LARGE and the connection is closed; nothing is stored', async () => {
  const c = await connect();
  c.socket.write(frameHeader(FrameKind.SignEvent, 5, (1 << 20) + 1));
  const [err] = await c.next(1);
  assert.equal(err?.id, 5);
  assert.match(err!.payload.toString(), /EVENT_TOO_LARGE.*over the 1048576 byte limit/);
  await c.closed;
});

test('an unknown frame kind is an Error frame naming it', async () => {
  const c = await connect();
  c.socket.write(encodeFrame(0x7f as FrameKind, 3));
  const [err] = await c.next(1);
  assert.equal(err?.kind, FrameKind.Error);
  assert.match(err!.payload.toString(), /unknown frame kind 0x7f/);
  c.socket.destroy();
});

test('close() ends framed connections once their answers are written', async () => {
  const own = await startTestSigner(signer, { prefix: 'tp-frames-close-' });
  try {
    const socket = createConnection(own.socketPath);
    await new Promise((r) => socket.once('connect', r));
    const reader = new FrameReader(1 << 20);
    const frames: Frame[] = [];
    socket.on('data', (chunk: Buffer) => frames.push(...reader.push(chunk)));
    const closed = new Promise((r) => socket.once('close', r));
    const st = unverifiedStatement('{"in":"flight"}');
    socket.write(Buffer.concat([PREFACE, encodeFrame(FrameKind.SignEvent, 1, statementBytes(st))]));
    // Close as soon as the signer has read the frame: its answer must still come.
    while (!(await own.store.getByEventId(st.predicate.context.eventId)) && frames.length === 0) await new Promise((r) => setImmediate(r));
    await own.server.close();
    await closed;
    assert.deepEqual(frames.map((f) => [f.kind, f.id]), [[FrameKind.Signed, 1]]);
  } finally {
    await own.stop();
  }
});

test('close() does not wait for a client that connected and never said anything', async () => {
  const own = await startTestSigner(signer, { prefix: 'tp-frames-silent-' });
  const silent = createConnection(own.socketPath);
  silent.on('error', () => undefined);
  try {
    await new Promise((r) => silent.once('connect', r));
    const closedBy = await Promise.race([own.server.close().then(() => 'close'), new Promise((r) => setTimeout(() => r('timeout'), 5_000))]);
    assert.equal(closedBy, 'close');
  } finally {
    silent.destroy();
    await own.stop();
  }
});
