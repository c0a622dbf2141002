import type { WebhookSecret } from '../secrets/webhook-secret.ts';

/** Who establishes authenticity, as the signed record says: the process holding the key. */
export const SIGNER_CHECKER = 'tekton-provenance-signer';

/** Case-insensitive header lookup: Go canonicalises names (`X-Github-Event`). */
export interface HeaderLookup {
  first(name: string): string | undefined;
}

/**
 * One webhook source's authenticity check. `method` is pure (headers -> the words the record
 * will carry, or MISSING_SIGNATURE): the interceptor uses it to predict the statement's
 * authenticity block and the signer to decide which check to run, so both agree byte for byte.
 * `verify` runs that check over the exact body and throws an AuthFailure when it fails.
 */
export interface WebhookCheck {
  readonly name: 'github' | 'gitlab' | 'bitbucket';
  /** The headers the interceptor forwards to the signer (and redacts from the record). */
  readonly headers: readonly string[];
  method(headers: HeaderLookup, allowSha1: boolean): string;
  verify(body: string, headers: HeaderLookup, allowSha1: boolean, secret: WebhookSecret): string;
}

/** A lookup over `{name: value}` (the proof's headers), case-insensitive, empty = absent. */
export function lookupOf(headers: Record<string, string>): HeaderLookup {
  const byLower = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) if (!byLower.has(name.toLowerCase())) byLower.set(name.toLowerCase(), value);
  return {
    first: (name) => {
      const v = byLower.get(name.toLowerCase());
      return v === undefined || v === '' ? undefined : v;
    },
  };
}
