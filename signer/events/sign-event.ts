import { IN_TOTO_PAYLOAD_TYPE } from '../dsse/envelope.ts';
import { signEnvelope } from '../dsse/sign.ts';
import type { Signer } from '../keys/signer.ts';
import type { SigningIdentity } from '../keyless/signing-identity.ts';
import type { SignedEventRecord } from './event-record.ts';
import type { ValidatedEvent } from './validate-statement.ts';

/**
 * Signs the EXACT statement bytes (never re-serialised, so the signature covers what the
 * interceptor built) and returns the record the store keeps.
 */
export async function signEvent(
  bytes: Buffer,
  event: Pick<ValidatedEvent, 'eventId' | 'digest' | 'triggerId'>,
  by: Signer | SigningIdentity,
  now: () => Date = () => new Date(),
): Promise<SignedEventRecord> {
  const { signer, certificates } = 'signer' in by ? by : { signer: by, certificates: undefined };
  const envelope = await signEnvelope(IN_TOTO_PAYLOAD_TYPE, bytes, [signer]);
  return {
    eventId: event.eventId,
    digest: event.digest,
    triggerId: event.triggerId,
    keyid: signer.keyid,
    envelope,
    storedAt: now().toISOString(),
    // Keyless: the chain travels with the record, so verify-event needs nothing else.
    ...(certificates ? { certificates } : {}),
  };
}
