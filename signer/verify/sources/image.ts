import { ProvenanceError } from '../../errors.ts';
import { RegistryClient } from '../../storage/oci/client.ts';
import { parseDockerConfig, type CredentialMap } from '../../storage/oci/credentials.ts';
import { readAttestationLayers, readBundleReferrers } from '../../storage/oci/read.ts';
import { formatRepository, parseRepository } from '../../storage/oci/reference.ts';
import type { TransportOptions } from '../../storage/oci/transport.ts';
import { fromCosignBundleAnnotation } from '../../transparency/entry.ts';
import { COSIGN_BUNDLE_ANNOTATION } from '../../storage/oci/layout.ts';
import { parseAttestationText, type LoadedAttestation } from './attestation-files.ts';
import { splitPem, type Evidence } from './evidence.ts';

/** cosign's layer annotations: the Rekor bundle (SET + body), and for keyless the certificate and chain. */
function layerEvidence(annotations: Record<string, string>, raw: Buffer): Evidence {
  const evidence: Evidence = { raw };
  const bundle = annotations[COSIGN_BUNDLE_ANNOTATION];
  if (bundle) evidence.tlogEntries = [fromCosignBundleAnnotation(bundle)];
  const leaf = annotations['dev.sigstore.cosign/certificate'];
  if (leaf) evidence.certificates = [...splitPem(leaf), ...splitPem(annotations['dev.sigstore.cosign/chain'] ?? '')];
  return evidence;
}

export interface ImageSourceOptions {
  /** Plain http to the registry (a local or test registry). */
  insecure: boolean;
  /** Where attestations live when not beside the image (`storage.oci.repository`). */
  attestationRepository?: string;
  /** docker config.json text with registry credentials. */
  dockerConfig?: string;
  /** Credentials already parsed (the admission webhook's pull secrets); wins over dockerConfig. */
  credentials?: CredentialMap;
  /** Timeouts and retries (the admission webhook answers within its deadline). */
  transport?: TransportOptions;
}

export interface ImageAttestations {
  image: { repository: string; digest: string };
  attestations: LoadedAttestation[];
}

/**
 * Reads the attestations of an image as cosign stores them: layers of the `sha256-<hex>.att`
 * manifest, and sigstore bundles attached as OCI referrers (or their fallback tag). A tag
 * is resolved to its digest first; everything after that is pinned to the digest.
 */
export async function readImageAttestations(ref: string, opts: ImageSourceOptions): Promise<ImageAttestations> {
  const image = parseRepository(ref);
  const credentials = opts.credentials ?? (opts.dockerConfig ? parseDockerConfig(opts.dockerConfig) : undefined);
  const clientFor = (registry: string) => {
    const c = credentials?.get(registry);
    return new RegistryClient(registry, { insecure: opts.insecure, ...(c ? { credentials: c } : {}), ...(opts.transport ? { transport: opts.transport } : {}) });
  };
  const digest = await resolveDigest(clientFor(image.registry), image.repository, ref);
  const where = opts.attestationRepository ? parseRepository(opts.attestationRepository) : image;
  const client = clientFor(where.registry);
  const name = formatRepository(where);
  const attestations: LoadedAttestation[] = [];
  for (const [i, layer] of (await readAttestationLayers(client, where.repository, digest)).entries()) {
    const found = parseAttestationText(layer.envelope.toString('utf8'), `${name}:${digest.replace(':', '-')}.att layer ${i + 1}`);
    for (const a of found) a.evidence = layerEvidence(layer.descriptor.annotations ?? {}, layer.envelope);
    attestations.push(...found);
  }
  for (const [i, bundle] of (await readBundleReferrers(client, where.repository, digest)).entries()) {
    attestations.push(...parseAttestationText(bundle.toString('utf8'), `${name}@${digest} referrer ${i + 1}`));
  }
  return { image: { repository: formatRepository(image), digest }, attestations };
}

async function resolveDigest(client: RegistryClient, repository: string, ref: string): Promise<string> {
  const at = ref.indexOf('@');
  if (at >= 0) return ref.slice(at + 1);
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  const tag = colon > slash ? ref.slice(colon + 1) : 'latest';
  const manifest = await client.getManifest(repository, tag);
  if (!manifest) throw new ProvenanceError('IMAGE_NOT_FOUND', `image ${ref} was not found in its registry`);
  return manifest.digest;
}
