import type { SignedEventRecord } from '../../signer/events/event-record.ts';

/** Records an attacker without the webhook secret got stored (shared by the suites of one run). */
export const attackerRecords: SignedEventRecord[] = [];
