import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IN_TOTO_PAYLOAD_TYPE } from '../../../signer/dsse/envelope.ts';
import { verifyEnvelope } from '../../../signer/dsse/verify.ts';
import { signEvent } from '../../../signer/events/sign-event.ts';
import { validateEventStatement } from '../../../signer/events/validate-statement.ts';
import { PublicKeyVerifier } from '../../../signer/keys/local.ts';
import { eventStatement, p256Signer, statementBytes } from './event-fixture.ts';

const signer = p256Signer();

test('signEvent: a record over the exact bytes, with the keys and times of the event, that verifies', async () => {
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
  assert.equal(record.envelope.payload, bytes.toString('base64'));
});
