import { createPrivateKey } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ProvenanceError } from '../errors.ts';
import { LocalSigner } from '../keys/local.ts';
import type { Signer } from '../keys/signer.ts';

/**
 * Loads the signing key named by a key source ref: a PEM file, or a Chains signing-secrets
 * directory holding `x509.pem`. (Interim: replaced by the signing core's `loadSigner(ref)`
 * once it lands, which adds cosign keys and KMS URIs.)
 */
export async function loadSignerRef(ref: string): Promise<Signer> {
  let path = ref;
  try {
    if (statSync(ref).isDirectory()) path = join(ref, 'x509.pem');
  } catch (err) {
    throw new ProvenanceError('KEY_NOT_FOUND', `no signing key at ${ref}`, { cause: err });
  }
  try {
    return new LocalSigner(createPrivateKey(readFileSync(path)));
  } catch (err) {
    throw new ProvenanceError(
      'KEY_NOT_FOUND',
      `cannot load a private key from ${path}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}
