import type { SignedAttestation } from '../../attest/types.ts';
import { storageError } from '../errors.ts';
import { BUNDLE_MEDIA_TYPE, EMPTY_CONFIG, referrerManifest, toBundleJson } from './bundle.ts';
import { OCI_INDEX, OCI_MANIFEST, sha256Digest, type RegistryClient } from './client.ts';
import { RUN_ANNOTATION, type Descriptor, type ImageIndex } from './layout.ts';
import { listReferrers } from './read.ts';
import { referrersFallbackTag } from './reference.ts';

/**
 * Writes the attestation as a sigstore bundle referrer of the image (OCI 1.1). Registries
 * without the referrers API (docker-registry 2.8) get the referrers-tag-schema fallback: an
 * index at tag `sha256-<hex>` listing the referrer manifests, updated read-modify-write.
 */
export async function writeBundleReferrer(
  client: RegistryClient, repo: string, subject: Descriptor, attestation: SignedAttestation, runKey: string,
): Promise<{ manifestDigest: string; added: boolean }> {
  const known = await listReferrers(client, repo, subject.digest);
  const same = known.descriptors.find((d) => d.annotations?.[RUN_ANNOTATION] === runKey);
  if (same) return { manifestDigest: same.digest, added: false };
  const bundle = toBundleJson(attestation);
  await client.uploadBlob(repo, bundle);
  await client.uploadBlob(repo, EMPTY_CONFIG);
  const manifest = referrerManifest(bundle, subject, attestation, runKey);
  const manifestDigest = await client.putManifest(repo, sha256Digest(manifest), manifest, OCI_MANIFEST);
  if (!known.api) {
    const descriptor: Descriptor = {
      mediaType: OCI_MANIFEST, digest: manifestDigest, size: manifest.length, artifactType: BUNDLE_MEDIA_TYPE,
      annotations: JSON.parse(manifest.toString('utf8')).annotations,
    };
    const index: ImageIndex = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [...known.descriptors, descriptor] };
    await client.putManifest(repo, referrersFallbackTag(subject.digest), Buffer.from(JSON.stringify(index)), OCI_INDEX);
  }
  return { manifestDigest, added: true };
}

/** The image manifest descriptor a referrer points at (fetched: its media type and size are needed). */
export async function subjectDescriptor(client: RegistryClient, repo: string, imageDigest: string): Promise<Descriptor> {
  const image = await client.getManifest(repo, imageDigest);
  if (!image) throw storageError('REGISTRY_REJECTED', `${client.registry}/${repo}@${imageDigest} does not exist: a referrer needs its subject`);
  return { mediaType: image.mediaType, digest: image.digest, size: image.size };
}
