import { bundleToJSON, toDSSEBundle } from '@sigstore/bundle';
import type { SignedAttestation } from '../../attest/types.ts';
import { storageError } from '../errors.ts';
import { sha256Digest } from './client.ts';
import { RUN_ANNOTATION, type Descriptor } from './layout.ts';

export const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const OCI_EMPTY_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';
export const EMPTY_CONFIG = Buffer.from('{}');

/**
 * The attestation as a sigstore bundle v0.3 (public-key verification material, and its
 * transparency log entry when it was logged):
 * what `cosign verify-attestation --new-bundle-format` and sigstore-js read. A bundle holds
 * one signature; with several signers the first is used (documented in docs/storage.md).
 */
export function toBundleJson(attestation: SignedAttestation): Buffer {
  const sig = attestation.envelope.signatures[0];
  if (!sig) throw storageError('MANIFEST_INVALID', 'the attestation envelope has no signature');
  const bundle = toDSSEBundle({
    artifact: attestation.payload,
    artifactType: attestation.payloadType,
    signature: Buffer.from(sig.sig, 'base64'),
    // Keyless: the leaf certificate (v0.3 carries no chain; verifiers take it from the trusted root).
    ...(attestation.certificates?.[0] ? { certificate: pemToDer(attestation.certificates[0]) } : sig.keyid ? { keyHint: sig.keyid } : {}),
  });
  const json = bundleToJSON(bundle);
  // The log entry with its inclusion proof and checkpoint: verifiable without the log.
  if (attestation.tlog) (json.verificationMaterial as { tlogEntries: unknown[] }).tlogEntries = [attestation.tlog.entry];
  return Buffer.from(JSON.stringify(json));
}

/** The OCI 1.1 referrer manifest of a bundle: artifactType + subject, as cosign writes it. */
export function referrerManifest(bundle: Buffer, subject: Descriptor, attestation: SignedAttestation, runKey: string): Buffer {
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: BUNDLE_MEDIA_TYPE,
    config: { mediaType: OCI_EMPTY_MEDIA_TYPE, digest: sha256Digest(EMPTY_CONFIG), size: EMPTY_CONFIG.length },
    layers: [{ mediaType: BUNDLE_MEDIA_TYPE, digest: sha256Digest(bundle), size: bundle.length }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations: {
      'dev.sigstore.bundle.content': 'dsse-envelope',
      'dev.sigstore.bundle.predicateType': attestation.predicateType,
      [RUN_ANNOTATION]: runKey,
    },
  };
  return Buffer.from(JSON.stringify(manifest));
}

function pemToDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, ''), 'base64');
}
