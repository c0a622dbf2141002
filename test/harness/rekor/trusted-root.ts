import { createHash, type KeyObject } from 'node:crypto';

/**
 * A Sigstore `trusted_root.json` (media type ...trustedroot+json;version=0.1) for the
 * stand-ins: the log key under `tlogs`, certificate authorities when a Fulcio stand-in is
 * given, and its CT log under `ctlogs` (then verifiers require an SCT in every leaf).
 * What `tkn-provenance verify --trusted-root` and @sigstore/verify read.
 */
export interface TrustedRootParts {
  rekor?: { url: string; publicKey: KeyObject };
  /** DER certificates, root last (as Fulcio's chain); one CA entry. */
  fulcio?: { url: string; chainDer: Buffer[] };
  /** The Fulcio stand-in's CT log (`fulcio.ctLog`). */
  ctlog?: { url: string; publicKey: KeyObject };
  validFrom?: Date;
}

/** A `TransparencyLogInstance`: Rekor under `tlogs` and CT logs under `ctlogs` have one shape. */
function logInstance(url: string, publicKey: KeyObject, start: string): Record<string, unknown> {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return {
    baseUrl: url,
    hashAlgorithm: 'SHA2_256',
    publicKey: { rawBytes: spki.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } },
    logId: { keyId: createHash('sha256').update(spki).digest('base64') },
  };
}

export function trustedRoot(parts: TrustedRootParts): Record<string, unknown> {
  const start = (parts.validFrom ?? new Date(Date.now() - 3600_000)).toISOString();
  const tlogs = parts.rekor ? [logInstance(parts.rekor.url, parts.rekor.publicKey, start)] : [];
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
    ctlogs: parts.ctlog ? [logInstance(parts.ctlog.url, parts.ctlog.publicKey, start)] : [],
    timestampAuthorities: [],
  };
}
