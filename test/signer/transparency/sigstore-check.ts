// The independent check every transparency test ends with: @sigstore/verify alone, on a bundle
// assembled here from what our code stored, against a trusted root written by the harness.
import type { KeyObject } from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import type { DsseEnvelope } from '../../../signer/dsse/envelope.ts';
import type { TlogEntryJson } from '../../../signer/transparency/entry.ts';

/**
 * Verifies a serialized sigstore bundle (any version) offline; throws @sigstore/verify's error.
 * A certificate must embed an SCT when the root has CT logs (as cosign requires).
 */
export function sigstoreVerifyBundle(bundleJson: unknown, root: Record<string, unknown>, key?: KeyObject, policy?: { subjectAlternativeName?: string; extensions?: { issuer?: string } }): void {
  const trusted = TrustedRoot.fromJSON(root);
  const trust = toTrustMaterial(trusted, key ? () => ({ publicKey: key, validFor: () => true }) : undefined);
  const ctlogThreshold = !key && trusted.ctlogs.length > 0 ? 1 : 0;
  new Verifier(trust, { ctlogThreshold, tlogThreshold: 1, timestampThreshold: 1 }).verify(toSignedEntity(bundleFromJSON(bundleJson)), policy);
}

/** A v0.3 public-key bundle from an envelope and its stored log entry. */
export function keyBundle(envelope: DsseEnvelope, entry: TlogEntryJson): unknown {
  const sig = envelope.signatures[0];
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { publicKey: { hint: 'test' }, tlogEntries: [entry], timestampVerificationData: { rfc3161Timestamps: [] } },
    dsseEnvelope: { payload: envelope.payload, payloadType: envelope.payloadType, signatures: [{ sig: sig?.sig, keyid: '' }] },
  };
}
