import { generateKeyPairSync } from 'node:crypto';
import type { RunRef, SignedAttestation } from '../../../signer/attest/types.ts';
import { IN_TOTO_PAYLOAD_TYPE } from '../../../signer/dsse/envelope.ts';
import { signEnvelope } from '../../../signer/dsse/sign.ts';
import type { Subject } from '../../../signer/intoto/statement.ts';
import { LocalSigner } from '../../../signer/keys/local.ts';
import { pushBlob, pushManifest } from '../../harness/registry/index.ts';
import type { TestRegistry } from '../../harness/registry/index.ts';

/** A real P-256 signer (fresh per process) and its PEMs, for openssl and sigstore checks. */
const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
export const testSigner = new LocalSigner(pair.privateKey);
export const testPublicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
/** PKCS#8 PEM of the same key, for a controller process to load (as Chains' x509.pem). */
export const testSignerPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

export const SLSA_V02 = 'https://slsa.dev/provenance/v0.2';

export function runRef(uid = 'uid-1', name = 'build-1'): RunRef {
  return { apiVersion: 'tekton.dev/v1', namespace: 'ci', name, uid };
}

/** A real signed in-toto attestation about `subjects` (padding grows the envelope for budget tests). */
export async function makeAttestation(
  format: string,
  subjects: Subject[],
  padding = 0,
): Promise<SignedAttestation> {
  const statement = {
    _type: 'https://in-toto.io/Statement/v0.1' as const,
    subject: subjects,
    predicateType: SLSA_V02,
    predicate: { builder: { id: 'https://tekton.dev/chains/v2' }, padding: 'x'.repeat(padding) },
  };
  const payload = Buffer.from(JSON.stringify(statement));
  const envelope = await signEnvelope(IN_TOTO_PAYLOAD_TYPE, payload, [testSigner]);
  return {
    format,
    payloadType: IN_TOTO_PAYLOAD_TYPE,
    predicateType: SLSA_V02,
    payload,
    envelope,
    subjects,
    statement,
  };
}

/** Pushes a tiny OCI image to `repo` and returns its manifest digest (the attestation subject). */
export async function pushImage(registry: TestRegistry, repo: string, seed: string): Promise<string> {
  const opts = {
    url: registry.url,
    ...(registry.authorization ? { authorization: registry.authorization } : {}),
  };
  const layer = Buffer.from(`layer ${seed}`);
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }),
  );
  const layerDigest = await pushBlob(opts, repo, layer);
  const configDigest = await pushBlob(opts, repo, config);
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: configDigest,
      size: config.length,
    },
    layers: [
      { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layer.length },
    ],
  };
  return (await pushManifest(opts, repo, seed, manifest)).digest;
}
