import { storageError } from '../errors.ts';
import { BUNDLE_MEDIA_TYPE } from './bundle.ts';
import type { RegistryClient } from './client.ts';
import { DSSE_LAYER_MEDIA_TYPE, parseImageManifest, type Descriptor, type ImageIndex } from './layout.ts';
import { attestationTag, referrersFallbackTag } from './reference.ts';

/** One `.att` layer as read back: its descriptor (media type, annotations) and the envelope bytes. */
export interface AttestationLayer {
  descriptor: Descriptor;
  envelope: Buffer;
}

/**
 * Reads every attestation layer stored for an image digest in cosign's layout, in order
 * (for the verifier and tests). Empty when the tag does not exist. Each blob is checked
 * against its digest by the client.
 */
export async function readAttestationLayers(client: RegistryClient, repo: string, imageDigest: string): Promise<AttestationLayer[]> {
  const found = await client.getManifest(repo, attestationTag(imageDigest));
  if (!found) return [];
  const manifest = parseImageManifest(found.body);
  if (!manifest) throw storageError('MANIFEST_INVALID', `${repo}:${attestationTag(imageDigest)} is not an image manifest`);
  const out: AttestationLayer[] = [];
  for (const layer of manifest.layers) {
    if (layer.mediaType !== DSSE_LAYER_MEDIA_TYPE) continue;
    out.push({ descriptor: layer, envelope: await client.getBlob(repo, layer.digest) });
  }
  return out;
}

/** Referrers of an image: from the OCI 1.1 API when served, else from the fallback tag index. */
export async function listReferrers(client: RegistryClient, repo: string, imageDigest: string): Promise<{ api: boolean; descriptors: Descriptor[] }> {
  const fromApi = await client.referrers(repo, imageDigest);
  const body = fromApi ?? (await client.getManifest(repo, referrersFallbackTag(imageDigest)))?.body;
  if (!body) return { api: false, descriptors: [] };
  const index = JSON.parse(body.toString('utf8')) as ImageIndex;
  if (!Array.isArray(index.manifests)) throw storageError('MANIFEST_INVALID', `the referrers index of ${repo}@${imageDigest} has no manifests list`);
  return { api: fromApi !== undefined, descriptors: index.manifests };
}

/** The sigstore bundles attached to an image as referrers (bundle JSON bytes, in index order). */
export async function readBundleReferrers(client: RegistryClient, repo: string, imageDigest: string): Promise<Buffer[]> {
  const { descriptors } = await listReferrers(client, repo, imageDigest);
  const out: Buffer[] = [];
  for (const d of descriptors.filter((x) => x.artifactType === BUNDLE_MEDIA_TYPE)) {
    const m = await client.getManifest(repo, d.digest);
    const manifest = m ? parseImageManifest(m.body) : undefined;
    const layer = manifest?.layers.find((l) => l.mediaType === BUNDLE_MEDIA_TYPE);
    if (layer) out.push(await client.getBlob(repo, layer.digest));
  }
  return out;
}
