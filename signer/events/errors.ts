import { ProvenanceError } from '../errors.ts';

/** Codes of the event concern: validating, signing, storing and verifying event records. */
export type EventErrorCode =
  | 'INVALID_EVENT_RECORD' // the statement (or a stored record) is not a well-formed event record
  | 'EVENT_CONFLICT' // same eventId already stored with another digest
  | 'EVENT_TOO_LARGE' // over the store's or server's size limit
  | 'STORE_UNAVAILABLE' // the backend cannot be reached or written
  | 'STORE_CORRUPT' // the store's file fails its integrity check (quick_check, probe, a corrupt page read)
  | 'STORE_MISSING' // the state dir held a store (marker) but the database is missing or empty
  | 'STORE_MISMATCH' // the database is not the store the marker names (a foreign file)
  | 'DEADLINE_EXCEEDED' // the caller's deadline passed before the durable write began: nothing stored
  | 'STORE_CONFIG' // the store is misconfigured (unknown name, bad option)
  | 'NOT_AUTHENTIC' // the signer could not establish the webhook's authenticity (one answer for every reason)
  | 'AUTH_RATE_LIMITED'; // too many failed checks from this source for this Trigger: not checked

export function eventError(
  code: EventErrorCode,
  message: string,
  cause?: unknown,
): ProvenanceError<EventErrorCode> {
  return new ProvenanceError(code, message, cause === undefined ? undefined : { cause });
}
