import { IN_TOTO_PAYLOAD_TYPE } from '../dsse/envelope.ts';
import { signEnvelope } from '../dsse/sign.ts';
import type { Signer } from '../keys/signer.ts';
import type { SignedEventRecord } from './event-record.ts';
import type { ValidatedEvent } from './validate-statement.ts';

/**
 * Signs the EXACT statement bytes (never re-serialised, so the signature covers what the
 * interceptor built) and returns the record the store keeps.
 */
export async function signEvent(
  bytes: Buffer,
  event: Pick<ValidatedEvent, 'eventId' | 'digest' | 'triggerId'>,
  signer: Signer,
  now: () => Date = () => new Date(),
): Promise<SignedEventRecord> {
  const envelope = await signEnvelope(IN_TOTO_PAYLOAD_TYPE, bytes, [signer]);
  return {
    eventId: event.eventId,
    digest: event.digest,
    triggerId: event.triggerId,
    keyid: signer.keyid,
    envelope,
    storedAt: now().toISOString(),
  };
}
