import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { startSignerServer, jsonLogger, type SignerServer } from '../../../signer/server/index.ts';
import { SqliteEventStore } from '../../../signer/events/stores/sqlite.ts';
import { recordFromJson } from '../../../signer/events/record-codec.ts';
import { verifyEnvelope } from '../../../signer/dsse/verify.ts';
import { PublicKeyVerifier } from '../../../signer/keys/local.ts';
import { IN_TOTO_PAYLOAD_TYPE } from '../../../signer/dsse/envelope.ts';
import { unverifiedStatement, p256Signer, statementBytes } from '../events/event-fixture.ts';
import { postStatement, udsRequest } from './uds-client.ts';

const dir = mkdtempSync(join(tmpdir(), 'tp-signer-'));
const socketPath = join(dir, 'run', 'signer.sock');
const signer = p256Signer();
const logs = new PassThrough();
let logText = '';
logs.on('data', (c: Buffer) => (logText += c.toString()));
let store: SqliteEventStore;
let server: SignerServer;

before(async () => {
  store = new SqliteEventStore(join(dir, 'events.db'));
  server = await startSignerServer({ socketPath, signer, store, logger: jsonLogger('signer', logs) });
});
after(async () => {
  await server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function errorCode(json: unknown): string {
  return (json as { error: { code: string } }).error.code;
}

test('signs the exact statement bytes, stores before answering, and the record verifies', async () => {
  const st = unverifiedStatement('{"ref":"refs/heads/main","marker":"BODY-MARKER-123"}');
  const bytes = statementBytes(st);
  const res = await postStatement(socketPath, bytes);
  assert.equal(res.status, 200);
  const record = recordFromJson((res.json as { record: unknown }).record);
  assert.equal(record.eventId, st.predicate.context.eventId);
  assert.equal(record.digest, `sha256:${st.subject[0]?.digest.sha256}`);
  assert.equal(record.keyid, signer.keyid);
  const verified = verifyEnvelope(record.envelope, [new PublicKeyVerifier(signer.publicKey)], {
    payloadType: IN_TOTO_PAYLOAD_TYPE,
  });
  assert.deepEqual(verified.payload, bytes);
  assert.deepEqual(await store.getByEventId(record.eventId), record);
  assert.deepEqual(await store.getByDigest(record.digest), [record]);
  assert.ok(!logText.includes('BODY-MARKER-123'), 'logs never carry the payload');
});

test('a redelivered event is idempotent and a different body for the same id conflicts', async () => {
  const st = unverifiedStatement('{"n":1}');
  const first = await postStatement(socketPath, statementBytes(st));
  const again = await postStatement(socketPath, statementBytes(st));
  assert.equal(again.status, 200);
  assert.deepEqual(again.json, first.json, 'answers with the stored record, not a fresh signature');
  const other = unverifiedStatement('{"n":2}', { eventId: st.predicate.context.eventId });
  const conflict = await postStatement(socketPath, statementBytes(other));
  assert.equal(conflict.status, 409);
  assert.equal(errorCode(conflict.json), 'EVENT_CONFLICT');
});

test('concurrent deliveries of one event store and answer one signature', async () => {
  const bytes = statementBytes(unverifiedStatement('{"n":"concurrent"}'));
  const answers = await Promise.all(Array.from({ length: 8 }, () => postStatement(socketPath, bytes)));
  const sigs = new Set(
    answers.map((a) => JSON.stringify((a.json as { record: { envelope: unknown } }).record.envelope)),
  );
  assert.equal(sigs.size, 1);
});

test('refuses to sign anything but a well-formed event statement, and stores nothing', async () => {
  const good = unverifiedStatement('{"ok":true}');
  const cases: Array<[string, unknown]> = [
    ['wrong predicate type', { ...good, predicateType: 'https://slsa.dev/provenance/v1' }],
    ['statement v0.1', { ...good, _type: 'https://in-toto.io/Statement/v0.1' }],
    ['two subjects', { ...good, subject: [good.subject[0], good.subject[0]] }],
    ['digest of another body', { ...good, predicate: { ...good.predicate, body: '{"ok":false}' } }],
    ['extra top-level field', { ...good, extra: 1 }],
    [
      'missing eventId',
      { ...good, predicate: { ...good.predicate, context: { eventUrl: '/', triggerId: 't' } } },
    ],
    [
      'secret header kept',
      { ...good, predicate: { ...good.predicate, headers: { 'X-Gitlab-Token': ['s3cr3t'] } } },
    ],
    [
      'verified not boolean',
      {
        ...good,
        predicate: { ...good.predicate, authenticity: { ...good.predicate.authenticity, verified: 'yes' } },
      },
    ],
    ['arbitrary data', { hello: 'world' }],
  ];
  for (const [name, st] of cases) {
    const res = await postStatement(socketPath, statementBytes(st));
    assert.equal(res.status, 400, name);
    assert.equal(errorCode(res.json), 'INVALID_EVENT_RECORD', name);
  }
  const bad = [
    JSON.stringify({ payload: Buffer.from([0xc3, 0x28]).toString('base64') }), // invalid UTF-8
    JSON.stringify({ payload: 'not base64!' }),
    JSON.stringify({ nopayload: true }),
    'not json',
  ];
  for (const body of bad) {
    const res = await udsRequest(socketPath, 'POST', '/v1/events', body);
    assert.equal(res.status, 400, body);
    assert.equal(errorCode(res.json), 'INVALID_EVENT_RECORD');
  }
  assert.equal(await store.getByEventId(good.predicate.context.eventId), undefined);
  assert.ok(!logText.includes('s3cr3t'), 'a refused secret is not logged');
});

test('lookups by event id and digest, health, unknown paths', async () => {
  const st = unverifiedStatement('{"lookup":1}');
  const { json } = await postStatement(socketPath, statementBytes(st));
  const record = (json as { record: { eventId: string; digest: string } }).record;
  const byId = await udsRequest(socketPath, 'GET', `/v1/events/${record.eventId}`);
  assert.deepEqual(byId, { status: 200, json: { record } });
  const byDigest = await udsRequest(socketPath, 'GET', `/v1/events?digest=${record.digest}`);
  assert.deepEqual(byDigest, { status: 200, json: { records: [record] } });
  assert.equal((await udsRequest(socketPath, 'GET', '/v1/events/nope')).status, 404);
  assert.equal((await udsRequest(socketPath, 'GET', '/v1/events?digest=md5:1')).status, 400);
  assert.deepEqual(await udsRequest(socketPath, 'GET', '/v1/healthz'), {
    status: 200,
    json: { status: 'ok' },
  });
  assert.equal((await udsRequest(socketPath, 'DELETE', '/v1/healthz')).status, 405);
});

test('the socket is mode 0660', () => {
  assert.equal(statSync(socketPath).mode & 0o777, 0o660);
});

// A stale socket left by a SIGKILLed signer is covered by test/signer/main/durability.test.ts.
test('bounded request size; a closed store is 503 and not healthy', async () => {
  const d = mkdtempSync(join(tmpdir(), 'tp-signer2-'));
  const path = join(d, 's.sock');
  const s2 = new SqliteEventStore(join(d, 'e.db'));
  const srv = await startSignerServer({
    socketPath: path,
    signer,
    store: s2,
    logger: jsonLogger('t', new PassThrough()),
    maxRequestBytes: 1024,
  });
  try {
    const big = statementBytes(unverifiedStatement('x'.repeat(4096)));
    const tooBig = await postStatement(path, big);
    assert.equal(tooBig.status, 413);
    assert.equal(errorCode(tooBig.json), 'EVENT_TOO_LARGE');
    await s2.close();
    const down = await postStatement(path, statementBytes(unverifiedStatement('{}')));
    assert.equal(down.status, 503);
    assert.equal(errorCode(down.json), 'STORE_UNAVAILABLE');
    const health = await udsRequest(path, 'GET', '/v1/healthz');
    assert.equal(health.status, 503);
  } finally {
    await srv.close();
    rmSync(d, { recursive: true, force: true });
  }
});

test('deep nesting in the statement is refused without exhausting the stack', async () => {
  const st = unverifiedStatement('{"deep":true}');
  const text = JSON.stringify({ ...st, predicate: { ...st.predicate, headers: { X: ['__DEEP__'] } } });
  const depth = 200_000;
  const deep = Buffer.from(text.replace('["__DEEP__"]', '['.repeat(depth) + ']'.repeat(depth)));
  const res = await postStatement(socketPath, deep);
  assert.equal(res.status, 400);
  assert.equal(errorCode(res.json), 'INVALID_EVENT_RECORD');
  assert.equal((await udsRequest(socketPath, 'GET', '/v1/healthz')).status, 200, 'still serving');
});
