import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { isProvenanceError } from '../errors.ts';
import { readTrustedRoot } from '../transparency/trusted-root.ts';
import type { IdentityPolicy } from '../transparency/identity.ts';
import { UsageError } from './command.ts';
import { stringFlag, type Flags } from './flags.ts';

/** The flags trustFlags reads, for a command's flag table (`...TRUST_FLAGS`). */
export const TRUST_FLAGS = {
  'trusted-root': { type: 'string' },
  'certificate-identity': { type: 'string' },
  'certificate-identity-regexp': { type: 'string' },
  'certificate-oidc-issuer': { type: 'string' },
} as const;

/**
 * cosign's verification flags, shared by `verify`, `verify-envelope` and `verify-event`:
 * `--trusted-root FILE` and the keyless identity (`--certificate-identity`,
 * `--certificate-identity-regexp`, `--certificate-oidc-issuer`). A bad file is a usage error.
 */
export async function trustFlags(values: Flags, path: (p: string) => string): Promise<{ trustedRoot?: TrustedRoot; identity?: IdentityPolicy }> {
  const file = stringFlag(values, 'trusted-root');
  const identity = stringFlag(values, 'certificate-identity');
  const identityRegExp = stringFlag(values, 'certificate-identity-regexp');
  const issuer = stringFlag(values, 'certificate-oidc-issuer');
  if (identity && identityRegExp) throw new UsageError('give --certificate-identity or --certificate-identity-regexp, not both');
  if (identityRegExp) {
    try {
      new RegExp(identityRegExp);
    } catch (err) {
      throw new UsageError(`--certificate-identity-regexp: ${(err as Error).message}`);
    }
  }
  const out: { trustedRoot?: TrustedRoot; identity?: IdentityPolicy } = {};
  if (file) {
    try {
      out.trustedRoot = await readTrustedRoot(path(file));
    } catch (err) {
      if (isProvenanceError(err)) throw new UsageError(`--trusted-root: ${err.message}`);
      throw err;
    }
  }
  if (identity || identityRegExp || issuer) {
    out.identity = { ...(identity ? { identity } : {}), ...(identityRegExp ? { identityRegExp } : {}), ...(issuer ? { issuer } : {}) };
  }
  return out;
}
