import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { IN_TOTO_PAYLOAD_TYPE } from '../../../signer/dsse/envelope.ts';
import { verifyEnvelope } from '../../../signer/dsse/verify.ts';
import { PublicKeyVerifier } from '../../../signer/keys/local.ts';
import type { SignedEventSummary } from '../../../signer/server/index.ts';
import { unverifiedStatement, p256Signer, statementBytes } from '../events/event-fixture.ts';
import { startTestSigner, type TestSigner } from './signer-fixture.ts';
import { postRawStatement } from './uds-client.ts';

// POST /v1/events in its fast form: raw statement bytes (application/vnd.in-toto+json) in,
// a short summary out. Same checks, same durability as the legacy base64-in-JSON form.
const signer = p256Signer();
let fx: TestSigner;
let socketPath: string;

before(async () => {
  fx = await startTestSigner(signer, { prefix: 'tp-signer-raw-' });
  socketPath = fx.socketPath;
});
after(() => fx.stop());

const summaryOf = (json: unknown) => (json as { signed: SignedEventSummary }).signed;

test('raw statement bytes: signed and stored before a summary answer that matches the stored record', async () => {
  const st = unverifiedStatement('{"marker":"RAW-BODY-MARKER"}');
  const bytes = statementBytes(st);
  const res = await postRawStatement(socketPath, bytes);
  assert.equal(res.status, 200);
  const signed = summaryOf(res.json);
  assert.equal(signed.created, true);
  assert.ok(!JSON.stringify(res.json).includes('RAW-BODY-MARKER'), 'the answer never carries the payload back');
  const stored = await fx.store.getByEventId(st.predicate.context.eventId);
  assert.ok(stored, 'stored before the answer');
  assert.deepEqual(
    { eventId: signed.eventId, digest: signed.digest, keyid: signed.keyid, signature: signed.signature, storedAt: signed.storedAt },
    { eventId: stored.eventId, digest: stored.digest, keyid: stored.keyid, signature: stored.envelope.signatures[0]?.sig, storedAt: stored.storedAt },
  );
  const verified = verifyEnvelope(stored.envelope, [new PublicKeyVerifier(signer.publicKey)], { payloadType: IN_TOTO_PAYLOAD_TYPE });
  assert.deepEqual(verified.payload, bytes, 'the exact bytes sent are what is signed');
});

test('a redelivery answers the first signature (created false); content-type parameters are accepted', async () => {
  const bytes = statementBytes(unverifiedStatement('{"n":"again"}'));
  const first = summaryOf((await postRawStatement(socketPath, bytes)).json);
  const again = await postRawStatement(socketPath, bytes, 'application/vnd.in-toto+json; charset=utf-8');
  assert.equal(again.status, 200);
  assert.equal(summaryOf(again.json).signature, first.signature);
  assert.equal(summaryOf(again.json).created, false);
});

test('raw form refuses what is not a well-formed event statement, and stores nothing', async () => {
  const good = unverifiedStatement('{"ok":true}');
  const wrongDigest = unverifiedStatement('{"a":1}');
  wrongDigest.predicate.body = '{"a":2}';
  const secretHeader = unverifiedStatement('{"b":1}', { headers: { 'X-Gitlab-Token': ['s3cr3t'] } });
  const cases: Array<[string, Buffer]> = [
    ['not JSON', Buffer.from('not json')],
    ['base64-in-JSON under the raw content type', Buffer.from(JSON.stringify({ payload: statementBytes(good).toString('base64') }))],
    ['invalid UTF-8', Buffer.concat([statementBytes(good).subarray(0, 20), Buffer.from([0xff, 0xfe]), statementBytes(good).subarray(20)])],
    ['body does not match the subject digest', statementBytes(wrongDigest)],
    ['a secret header left in', statementBytes(secretHeader)],
  ];
  for (const [what, bytes] of cases) {
    const res = await postRawStatement(socketPath, bytes);
    assert.equal(res.status, 400, what);
    assert.equal((res.json as { error: { code: string } }).error.code, 'INVALID_EVENT_RECORD', what);
  }
  for (const st of [wrongDigest, secretHeader]) assert.equal(await fx.store.getByEventId(st.predicate.context.eventId), undefined);
});
