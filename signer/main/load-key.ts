import { loadSigner } from '../keys/sources.ts';
import type { Signer } from '../keys/signer.ts';

/**
 * Loads the signing key named by a key source ref through the signing core: a PEM or cosign
 * key file, a Chains signing-secrets directory (`x509.pem`, or `cosign.key` + `cosign.password`),
 * or a KMS URI (`awskms://...`). COSIGN_PASSWORD is read from `env` when a key needs one.
 */
export async function loadSignerRef(ref: string, env: NodeJS.ProcessEnv = process.env): Promise<Signer> {
  return loadSigner(ref, { env });
}
