import type { DsseEnvelope, DsseSignature } from '../dsse/envelope.ts';
import { IN_TOTO_PAYLOAD_TYPE } from '../dsse/envelope.ts';
import { dsseSignatures } from '../dsse/sign.ts';
import type { Signer } from '../keys/signer.ts';
import type { SignedEventRecord } from './event-record.ts';
import type { ValidatedEvent } from './validate-statement.ts';

/**
 * Signs the EXACT statement bytes (never re-serialised, so the signature covers what the
 * interceptor built) and returns the record the store keeps.
 */
export async function signEvent(
  bytes: Buffer,
  event: ValidatedEvent,
  signer: Signer,
  now: () => Date = () => new Date(),
): Promise<SignedEventRecord> {
  const signatures = await dsseSignatures(IN_TOTO_PAYLOAD_TYPE, bytes, [signer]);
  return {
    eventId: event.eventId,
    digest: event.digest,
    triggerId: event.triggerId,
    keyid: signer.keyid,
    envelope: envelopeEncodedOnRead(IN_TOTO_PAYLOAD_TYPE, bytes, signatures),
    storedAt: now().toISOString(),
  };
}

/**
 * What signEnvelope returns, except that `payload` (the standard base64 of `bytes`) is
 * encoded on its first read and then kept. The signer's answer carries only the signature
 * and the SQLite store is handed the bytes, so per event this skips building a string a
 * third larger than the statement. Keys, their order, JSON, spread, deepEqual and assignment
 * are those of the plain object (tested against signEnvelope); only util.inspect shows an
 * accessor.
 */
export function envelopeEncodedOnRead(payloadType: string, bytes: Buffer, signatures: DsseSignature[]): DsseEnvelope {
  let payload: string | undefined;
  return {
    payloadType,
    get payload(): string {
      payload ??= bytes.toString('base64');
      return payload;
    },
    set payload(value: string) {
      payload = value;
    },
    signatures,
  };
}
