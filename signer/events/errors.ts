import { ProvenanceError } from '../errors.ts';

/** Codes of the event concern: validating, signing, storing and verifying event records. */
export type EventErrorCode =
  | 'INVALID_EVENT_RECORD' // the statement (or a stored record) is not a well-formed event record
  | 'EVENT_CONFLICT' // same eventId already stored with another digest
  | 'EVENT_TOO_LARGE' // over the store's or server's size limit
  | 'STORE_UNAVAILABLE' // the backend cannot be reached or written
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
