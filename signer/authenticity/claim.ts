import type { EventPredicate } from '../events/event-record.ts';

export type Authenticity = EventPredicate['authenticity'];

/**
 * The authenticity block of an event nobody here authenticated (`provider: none`): the
 * signer signs it without a proof, and no policy accepts it. No caller-chosen words about
 * who checked or how: the record says what the signer knows, which is nothing.
 */
export const UNVERIFIED: Authenticity = { provider: 'none', verified: false, method: 'none', checkedBy: '' };

/** Field-by-field equality of two authenticity blocks (exactly the four fields). */
export function sameAuthenticity(a: Authenticity, b: Authenticity): boolean {
  return a.provider === b.provider && a.verified === b.verified && a.method === b.method && a.checkedBy === b.checkedBy;
}
