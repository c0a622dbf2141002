// Build -> sign of one run (controller and CLI share it) and the run -> event link.
export type { EventLink, SignedAttestation, RunRef } from './types.ts';
export { attestRun, type AttestOptions } from './attest-run.ts';
export { resolveEventLink, type EventLookup, type DigestLookup } from './event-link.ts';
export { runRef } from './run-ref.ts';
