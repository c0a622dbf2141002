import type { EventLink } from '../attest/types.ts';

/**
 * How long a run waits for its keyless event record's log entry. The record verifies only with
 * that entry (its certificate lives minutes; the entry proves when it signed), and the signer
 * uploads it after the webhook's answer, normally within seconds. Past this the run is attested
 * anyway, so nothing is held forever: its attestation then fails `event transparency`
 * (TLOG_MISSING) by name, and the record can still be checked with verify-event once logged.
 */
export const KEYLESS_EVENT_LOG_WAIT_MS = 10 * 60_000;

/** Requeue after this many ms (the entry is still expected), or undefined: attest now. */
export function eventLogWaitMs(event: EventLink, now = Date.now(), windowMs = KEYLESS_EVENT_LOG_WAIT_MS): number | undefined {
  // Only a found record is embedded to be verified; a mismatch is recorded as an error anyway.
  const record = event.state === 'found' ? event.record : undefined;
  if (!record?.certificates || record.tlog) return undefined;
  const age = now - Date.parse(record.storedAt);
  if (!(age < windowMs)) return undefined;
  return Math.max(250, Math.min(5_000, windowMs - age));
}
