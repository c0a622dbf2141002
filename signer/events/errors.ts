import { ProvenanceError } from '../errors.ts';

/** Codes of the event concern: validating, signing, storing and verifying event records. */
export type EventErrorCode =
  | 'INVALID_EVENT_RECORD' // the statement (or a stored record) is not a well-formed event record
  | 'EVENT_CONFLICT' // same eventId already stored with another digest
  | 'EVENT_TOO_LARGE' // over the store's or server's size limit
  | 'STORE_UNAVAILABLE' // the backend cannot be reached or written
  | 'DEADLINE_EXCEEDED' // the caller's deadline passed before the durable write began: nothing stored
  | 'STORE_CONFIG'; // the store is misconfigured (unknown name, bad option)

export function eventError(
  code: EventErrorCode,
  message: string,
  cause?: unknown,
): ProvenanceError<EventErrorCode> {
  return new ProvenanceError(code, message, cause === undefined ? undefined : { cause });
}
