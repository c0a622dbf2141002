import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IN_TOTO_PAYLOAD_TYPE } from '../../../signer/dsse/envelope.ts';
import { serializeEnvelope, signEnvelope } from '../../../signer/dsse/sign.ts';
import { verifyEnvelope } from '../../../signer/dsse/verify.ts';
import { serializeRecord } from '../../../signer/events/record-codec.ts';
import { envelopeEncodedOnRead, signEvent } from '../../../signer/events/sign-event.ts';
import { validateEventStatement } from '../../../signer/events/validate-statement.ts';
import { PublicKeyVerifier } from '../../../signer/keys/local.ts';
import { eventStatement, p256Signer, statementBytes } from './event-fixture.ts';

const signer = p256Signer();

test('the envelope encoded on read is the plain envelope signEnvelope returns, to every reader', async () => {
  const bytes = statementBytes(eventStatement('{"text":"caf\u00e9"}'));
  const plain = await signEnvelope(IN_TOTO_PAYLOAD_TYPE, bytes, [signer]);
  const lazy = () => envelopeEncodedOnRead(IN_TOTO_PAYLOAD_TYPE, bytes, plain.signatures);
  assert.deepStrictEqual(lazy(), plain);
  assert.deepStrictEqual(Object.keys(lazy()), Object.keys(plain));
  assert.equal(JSON.stringify(lazy()), JSON.stringify(plain));
  assert.equal(serializeEnvelope(lazy()), serializeEnvelope(plain));
  assert.deepStrictEqual({ ...lazy() }, plain);
  assert.deepStrictEqual(structuredClone(lazy()), plain);
  const assigned = lazy();
  assigned.payload = 'e30=';
  assert.equal(assigned.payload, 'e30=');
  assert.deepStrictEqual(assigned, { ...plain, payload: 'e30=' });
});

test('signEvent: a record over the exact bytes that verifies and serialises like an eagerly built one', async () => {
  const bytes = statementBytes(eventStatement('{"n":1}', { eventId: 'ev-sign' }));
  const event = validateEventStatement(bytes);
  const at = new Date('2026-11-28T12:00:00.000Z');
  const record = await signEvent(bytes, event, signer, () => at);
  assert.deepEqual(
    { eventId: record.eventId, digest: record.digest, triggerId: record.triggerId, keyid: record.keyid, storedAt: record.storedAt },
    { eventId: 'ev-sign', digest: event.digest, triggerId: event.triggerId, keyid: signer.keyid, storedAt: at.toISOString() },
  );
  const verified = verifyEnvelope(record.envelope, [new PublicKeyVerifier(signer.publicKey)], { payloadType: IN_TOTO_PAYLOAD_TYPE });
  assert.deepEqual(verified.payload, bytes);
  const eager = { ...record, envelope: { ...record.envelope, payload: bytes.toString('base64') } };
  assert.equal(serializeRecord(record), serializeRecord(eager));
  assert.equal(serializeRecord(record), JSON.stringify(eager));
});
