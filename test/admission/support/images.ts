import type { LocalSigner } from '../../../signer/keys/local.ts';
import { OciAttestationStorage } from '../../../signer/storage/oci/backend.ts';
import type { CredentialMap } from '../../../signer/storage/oci/credentials.ts';
import { pushBlob, pushManifest, type TestRegistry } from '../../harness/registry/index.ts';
import { SIMPLE_BUILD_PIPELINE, SIMPLE_BUILD_TASKS, simpleBuildBehaviour } from '../../harness/tekton/pipelines/simple-build.ts';
import { attest, COMMIT, pushBody, signedEvent, simpleBuild } from '../../signer/verify/chain-fixture.ts';

/** A tiny but real OCI image (config + layer + manifest) at `repo:tag`; returns its digest. */
export async function pushImage(registry: TestRegistry, repo: string, tag: string, seed = tag): Promise<string> {
  const opts = { url: registry.url, ...(registry.authorization ? { authorization: registry.authorization } : {}) };
  const layer = Buffer.from(`admission test layer ${repo}:${seed}\n`);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: await pushBlob(opts, repo, config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: await pushBlob(opts, repo, layer), size: layer.length }],
  };
  return (await pushManifest(opts, repo, tag, manifest)).digest;
}

/** How the run that built an image went: the genuine pipeline or one of the tampered ones. */
export type Build = 'genuine' | 'inject-miner' | 'other-repository';

/**
 * Builds the TEP-0084 simple-build run that produced `image@digest` (as `build` says), signs
 * its in-toto attestation with `signer` through the production attestRun, and stores it
 * beside the image with the controller's own oci backend.
 */
export async function attestImage(registry: TestRegistry, image: string, digest: string, signer: LocalSigner, build: Build = 'genuine', uid = `uid-${digest.slice(7, 19)}`, credentials?: CredentialMap): Promise<void> {
  const record = await signedEvent(signer);
  const params = [
    { name: 'repo-url', value: build === 'other-repository' ? 'https://github.com/attacker/pipeline.git' : 'https://github.com/tektoncd/pipeline.git' },
    { name: 'revision', value: COMMIT },
    { name: 'image', value: image },
  ];
  const over = {
    name: `build-${uid}`,
    params,
    behaviour: simpleBuildBehaviour(COMMIT, digest),
    ...(build === 'inject-miner'
      ? {
          pipeline: { ...SIMPLE_BUILD_PIPELINE, tasks: [...SIMPLE_BUILD_PIPELINE.tasks, { name: 'inject-miner', runAfter: ['git-clone'], taskRef: { name: 'inject-miner', kind: 'Task' } }] },
          tasks: { ...SIMPLE_BUILD_TASKS, 'image-build': SIMPLE_BUILD_TASKS['buildah']!, 'inject-miner': { steps: [{ name: 'mine', image: 'docker.io/library/alpine:3.19', script: 'xmrig' }] } },
        }
      : {}),
  };
  const [attestation] = await attest(simpleBuild(record, over), signer, { state: 'found', record }, ['in-toto']);
  await new OciAttestationStorage({ insecure: true, encoding: 'dsse', ...(credentials ? { credentials } : {}) }).store({ apiVersion: 'tekton.dev/v1', namespace: 'ci', name: `build-${uid}`, uid }, attestation!);
}

export { pushBody };
