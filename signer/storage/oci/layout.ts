import { OCI_MANIFEST } from './client.ts';

/** OCI descriptor (image-spec descriptor.md). */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  artifactType?: string;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType: string;
  manifests: Descriptor[];
}

export const DSSE_LAYER_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
export const OCI_CONFIG_MEDIA_TYPE = 'application/vnd.oci.image.config.v1+json';
/** cosign only reads layers carrying this annotation (its value is the empty string for attestations). */
export const COSIGN_SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
export const PREDICATE_TYPE_ANNOTATION = 'predicateType';
/** cosign's Rekor bundle (SET + entry) on a logged signature or attestation layer. */
export const COSIGN_BUNDLE_ANNOTATION = 'dev.sigstore.cosign/bundle';
/** Keyless: the signing certificate (PEM) and its chain (intermediates + root, PEM). */
export const COSIGN_CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';
export const COSIGN_CHAIN_ANNOTATION = 'dev.sigstore.cosign/chain';
/**
 * Ours: `<run uid>/<format>`. Re-signing after a restart makes a new ECDSA signature, hence a
 * new layer digest; this annotation lets the append recognise the run's earlier layer.
 */
export const RUN_ANNOTATION = 'dev.tekton-provenance/run';

/** The image config cosign writes for signature/attestation images (go-containerregistry's empty image + appends). */
export function attestationConfig(layers: readonly Descriptor[]): Buffer {
  const epoch = '0001-01-01T00:00:00Z';
  return Buffer.from(JSON.stringify({
    architecture: '',
    created: epoch,
    history: layers.map(() => ({ created: epoch })),
    os: '',
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    config: {},
  }));
}

export type AppendResult = { added: true; layers: Descriptor[] } | { added: false; existing: Descriptor };

/**
 * Appends `layer` to the layers of an existing `.att` manifest unless the same attestation is
 * already there (same digest, or same run + format): what makes a retry or restart harmless.
 */
export function appendAttestationLayer(existing: ImageManifest | undefined, layer: Descriptor): AppendResult {
  const layers = existing?.layers ?? [];
  const run = layer.annotations?.[RUN_ANNOTATION];
  const same = layers.find((l) => l.digest === layer.digest || (run !== undefined && l.annotations?.[RUN_ANNOTATION] === run));
  if (same) return { added: false, existing: same };
  return { added: true, layers: [...layers, layer] };
}

export function imageManifest(config: Descriptor, layers: Descriptor[], extra: Partial<ImageManifest> = {}): Buffer {
  const manifest: ImageManifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, ...extra, config, layers };
  return Buffer.from(JSON.stringify(manifest));
}

/** Parses a manifest we are about to extend; a tag holding something else is an error, not overwritten. */
export function parseImageManifest(body: Buffer): ImageManifest | undefined {
  try {
    const m = JSON.parse(body.toString('utf8')) as ImageManifest;
    if (m.schemaVersion !== 2 || !Array.isArray(m.layers) || typeof m.config !== 'object') return undefined;
    return m;
  } catch {
    return undefined;
  }
}
