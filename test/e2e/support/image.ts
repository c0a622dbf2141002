import { pushBlob, pushManifest, type TestRegistry } from '../../harness/registry/index.ts';

/**
 * Pushes a tiny but real OCI image (config + one layer + manifest) to the test registry, as
 * a build task would, and returns its manifest digest: the subject the attestation must name.
 */
export async function pushTinyImage(registry: TestRegistry, repository: string, tag: string): Promise<string> {
  const opts = { url: registry.url, ...(registry.authorization ? { authorization: registry.authorization } : {}) };
  const layer = Buffer.from(`tekton-provenance e2e layer for ${repository}:${tag}\n`);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: await pushBlob(opts, repository, config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: await pushBlob(opts, repository, layer), size: layer.length }],
  };
  return (await pushManifest(opts, repository, tag, manifest)).digest;
}
