import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import type { SignedEventRecord } from '../../../signer/events/event-record.ts';
import { jsonString, parseRecord, serializeRecord } from '../../../signer/events/record-codec.ts';

/** What serializeRecord has always written: JSON.stringify of the fields in this order. */
const reference = (r: SignedEventRecord) =>
  JSON.stringify({ eventId: r.eventId, digest: r.digest, triggerId: r.triggerId, keyid: r.keyid, envelope: r.envelope, storedAt: r.storedAt });

function record(payload: string, extra: Partial<SignedEventRecord> = {}): SignedEventRecord {
  return {
    eventId: 'ev-1',
    digest: `sha256:${'a'.repeat(64)}`,
    triggerId: 'namespaces/ci/triggers/"quoted"',
    keyid: 'SHA256:abc',
    envelope: { payloadType: 'application/vnd.in-toto+json', payload, signatures: [{ keyid: 'SHA256:abc', sig: 'MEUC' }] },
    storedAt: '2026-11-28T12:00:00.000Z',
    ...extra,
  };
}

test('the fast serializer writes exactly what JSON.stringify wrote, for big base64 and for anything else', () => {
  const big = randomBytes(300_000).toString('base64');
  assert.equal(serializeRecord(record(big)), reference(record(big)));
  assert.deepEqual(parseRecord(serializeRecord(record(big))).envelope.payload, big);
  for (const bad of ['"', '\\', '\n', '\u0000', '\u001f', '\ud800']) {
    const payload = `${big.slice(0, 5000)}${bad}${big.slice(0, 5000)}`;
    assert.equal(serializeRecord(record(payload)), reference(record(payload)), JSON.stringify(bad));
  }
  const noKeyid = record(big);
  noKeyid.envelope = { payloadType: noKeyid.envelope.payloadType, payload: big, signatures: [{ sig: 'x' }] };
  assert.equal(serializeRecord(noKeyid), reference(noKeyid));
  const reordered = record(big);
  reordered.envelope = { signatures: reordered.envelope.signatures, payloadType: reordered.envelope.payloadType, payload: big };
  assert.equal(serializeRecord(reordered), reference(reordered));
});

test('jsonString equals JSON.stringify for any string (property)', () => {
  const unit = fc.oneof(fc.constantFrom('"', '\\', '\n', '\u0000', '\u2028', '\ud800', '\udc00', 'é', 'A', '+', '/', '='), fc.string());
  fc.assert(
    fc.property(fc.array(unit, { maxLength: 8 }), fc.integer({ min: 0, max: 6000 }), (parts, pad) => {
      const s = 'Q'.repeat(pad) + parts.join('');
      assert.equal(jsonString(s), JSON.stringify(s));
    }),
    { numRuns: 300 },
  );
});
