import { isProvenanceError } from '../errors.ts';
import type { Signer } from '../keys/signer.ts';
import { keylessError } from './errors.ts';
import type { KeylessSigner } from './keyless-signer.ts';

/** Who signs: a key, or (keyless) an ephemeral key and the Fulcio chain (PEM, leaf first) vouching for it. */
export interface SigningIdentity {
  signer: Signer;
  certificates?: string[];
}

/**
 * The one way event signing asks for a signer: a fixed key answers at once; keyless answers
 * from the certificate cache, so a webhook never waits for Fulcio while a certificate is good.
 */
export type IdentitySource = () => Promise<SigningIdentity>;

/** A key, or a source already: what `startSignerServer({signer})` accepts. */
export function identitySource(s: Signer | IdentitySource): IdentitySource {
  if (typeof s === 'function') return s;
  const identity: SigningIdentity = { signer: s };
  return () => Promise.resolve(identity);
}

/**
 * Keyless, for the webhook path: any failure to have a certificate is KEYLESS_NO_CERTIFICATE
 * (the cause's code and message kept), one code the signing socket answers as 503.
 */
export function keylessIdentity(k: KeylessSigner): IdentitySource {
  return async () => {
    try {
      const s = await k.session();
      return { signer: s.signer, certificates: s.certificates };
    } catch (err) {
      const code = isProvenanceError(err) ? err.code : 'ERROR';
      throw keylessError('KEYLESS_NO_CERTIFICATE', `no valid keyless signing certificate (${code}: ${(err as Error).message})`, err);
    }
  };
}
