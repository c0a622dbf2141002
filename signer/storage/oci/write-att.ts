import { serializeEnvelope } from '../../dsse/sign.ts';
import type { SignedAttestation } from '../../attest/types.ts';
import { storageError } from '../errors.ts';
import { OCI_MANIFEST, sha256Digest, type RegistryClient } from './client.ts';
import {
  COSIGN_BUNDLE_ANNOTATION, COSIGN_CERTIFICATE_ANNOTATION, COSIGN_CHAIN_ANNOTATION, COSIGN_SIGNATURE_ANNOTATION, DSSE_LAYER_MEDIA_TYPE, OCI_CONFIG_MEDIA_TYPE, PREDICATE_TYPE_ANNOTATION, RUN_ANNOTATION,
  appendAttestationLayer, attestationConfig, imageManifest, parseImageManifest, type Descriptor,
} from './layout.ts';
import { attestationTag } from './reference.ts';
import { cosignBundleAnnotation } from '../../transparency/entry.ts';

/**
 * Writes one attestation in cosign's layout: blob = the DSSE envelope, appended as a layer to
 * the manifest at tag `sha256-<hex>.att` in `repo`. Returns the layer digest (existing or new).
 * Order: layer blob, config blob, then the manifest, so the tag never names a missing blob.
 */
export async function writeAttLayer(
  client: RegistryClient, repo: string, imageDigest: string, attestation: SignedAttestation, runKey: string,
): Promise<{ tag: string; layerDigest: string; added: boolean }> {
  const tag = attestationTag(imageDigest);
  const envelope = Buffer.from(serializeEnvelope(attestation.envelope));
  const layer: Descriptor = {
    mediaType: DSSE_LAYER_MEDIA_TYPE,
    digest: sha256Digest(envelope),
    size: envelope.length,
    annotations: {
      [COSIGN_SIGNATURE_ANNOTATION]: '',
      [PREDICATE_TYPE_ANNOTATION]: attestation.predicateType,
      [RUN_ANNOTATION]: runKey,
      ...transparencyAnnotations(attestation),
    },
  };
  const current = await client.getManifest(repo, tag);
  const existing = current ? parseImageManifest(current.body) : undefined;
  if (current && !existing) throw storageError('MANIFEST_INVALID', `${client.registry}/${repo}:${tag} holds something that is not an image manifest`);
  const result = appendAttestationLayer(existing, layer);
  if (!result.added) return { tag, layerDigest: result.existing.digest, added: false };
  await client.uploadBlob(repo, envelope);
  const config = attestationConfig(result.layers);
  await client.uploadBlob(repo, config);
  const configDescriptor = { mediaType: OCI_CONFIG_MEDIA_TYPE, digest: sha256Digest(config), size: config.length };
  await client.putManifest(repo, tag, imageManifest(configDescriptor, result.layers), OCI_MANIFEST);
  return { tag, layerDigest: layer.digest, added: true };
}

/** cosign's `dev.sigstore.cosign/bundle` when the attestation was logged: cosign then checks the SET offline. */
function transparencyAnnotations(attestation: SignedAttestation): Record<string, string> {
  const out: Record<string, string> = {};
  const bundle = attestation.tlog ? cosignBundleAnnotation(attestation.tlog.entry) : undefined;
  if (bundle) out[COSIGN_BUNDLE_ANNOTATION] = bundle;
  // Keyless, as cosign writes it: the leaf, and intermediates + root concatenated.
  const [leaf, ...chain] = attestation.certificates ?? [];
  if (leaf) {
    out[COSIGN_CERTIFICATE_ANNOTATION] = leaf;
    out[COSIGN_CHAIN_ANNOTATION] = chain.join('');
  }
  return out;
}
