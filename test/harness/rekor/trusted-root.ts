import { createHash, type KeyObject } from 'node:crypto';

/**
 * A Sigstore `trusted_root.json` (media type ...trustedroot+json;version=0.1) for the
 * stand-ins: the log key under `tlogs`, and certificate authorities when a Fulcio stand-in
 * is given. What `tkn-provenance verify --trusted-root` and @sigstore/verify read.
 */
export interface TrustedRootParts {
  rekor?: { url: string; publicKey: KeyObject };
  /** DER certificates, root last (as Fulcio's chain); one CA entry. */
  fulcio?: { url: string; chainDer: Buffer[] };
  validFrom?: Date;
}

export function trustedRoot(parts: TrustedRootParts): Record<string, unknown> {
  const start = (parts.validFrom ?? new Date(Date.now() - 3600_000)).toISOString();
  const tlogs = parts.rekor
    ? [{
        baseUrl: parts.rekor.url,
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: parts.rekor.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
          keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          validFor: { start },
        },
        logId: { keyId: createHash('sha256').update(parts.rekor.publicKey.export({ type: 'spki', format: 'der' })).digest('base64') },
      }]
    : [];
  const certificateAuthorities = parts.fulcio
    ? [{
        subject: { organization: 'tekton-provenance', commonName: 'fulcio stand-in' },
        uri: parts.fulcio.url,
        certChain: { certificates: parts.fulcio.chainDer.map((der) => ({ rawBytes: der.toString('base64') })) },
        validFor: { start },
      }]
    : [];
  return {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs,
    certificateAuthorities,
    ctlogs: [],
    timestampAuthorities: [],
  };
}
