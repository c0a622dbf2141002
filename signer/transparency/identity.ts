import type { VerificationPolicy } from '@sigstore/verify';

/**
 * A keyless signer's identity in cosign's terms: `--certificate-identity(-regexp)` and
 * `--certificate-oidc-issuer`. Policies write it `{subject | subjectRegExp, issuer}`
 * (policy-controller's names): `identityFromPolicy` maps one to the other.
 */
export interface IdentityPolicy {
  identity?: string;
  identityRegExp?: string;
  issuer?: string;
}

/** A policy's `{subject | subjectRegExp, issuer}` (event.identity, a VerificationPolicy's keyless key). */
export interface PolicyIdentity {
  subject?: string;
  subjectRegExp?: string;
  issuer: string;
}

export function identityFromPolicy(p: PolicyIdentity): IdentityPolicy {
  return { issuer: p.issuer, ...(p.subject ? { identity: p.subject } : {}), ...(p.subjectRegExp ? { identityRegExp: p.subjectRegExp } : {}) };
}

/**
 * What @sigstore/verify checks the certificate against: the exact subject (anchored, escaped)
 * or the RegExp, and the OIDC issuer. Undefined while either half is missing: cosign requires
 * both, since a certificate from the right issuer for anyone proves nothing.
 */
export function certificatePolicy(id: IdentityPolicy | undefined): VerificationPolicy | undefined {
  if (!id?.issuer || !(id.identity || id.identityRegExp)) return undefined;
  return {
    subjectAlternativeName: id.identity ? `^${id.identity.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$` : (id.identityRegExp as string),
    extensions: { issuer: id.issuer },
  };
}
