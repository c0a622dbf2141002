import type { EventPredicate } from '../events/event-record.ts';

export type Authenticity = EventPredicate['authenticity'];

/**
 * The authenticity block of an event nobody here authenticated (`provider: none`): the
 * signer signs it without a proof, and no policy accepts it. No caller-chosen words about
 * who checked or how: the record says what the signer knows, which is nothing.
 */
export const UNVERIFIED: Authenticity = { provider: 'none', verified: false, method: 'none', checkedBy: '' };

import { SIGNER_CHECKER } from './providers/provider.ts';

/**
 * Why a record's authenticity block is NOT a check this project's signer made, or undefined
 * when it is: verified, by a real provider, established by the signer itself. Records of
 * `provider: none`, and records whose check was someone else's word (the interceptor's, or an
 * earlier interceptor's in the chain, as versions before the signer-side check wrote them),
 * never pass: the signer signed what it was told then, whoever told it.
 */
export function notEstablished(a: Authenticity): string | undefined {
  if (a.provider === 'none') return 'provider none: nobody here checked the webhook\'s authenticity';
  if (a.verified !== true) return `${a.provider}: the check did not pass (verified: false)`;
  if (a.checkedBy !== SIGNER_CHECKER) {
    return `${a.provider} ${a.method}: checked by "${a.checkedBy}", not established by the signer (${SIGNER_CHECKER})`;
  }
  return undefined;
}

/** Field-by-field equality of two authenticity blocks (exactly the four fields). */
export function sameAuthenticity(a: Authenticity, b: Authenticity): boolean {
  return a.provider === b.provider && a.verified === b.verified && a.method === b.method && a.checkedBy === b.checkedBy;
}
