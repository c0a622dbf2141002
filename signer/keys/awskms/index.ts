import { PublicKeyVerifier } from '../local.ts';
import type { Verifier } from '../signer.ts';
import type { AwsKmsOptions } from './client-config.ts';
import { KmsKeyClient } from './kms-key-client.ts';
import { AwsKmsSigner, checkSigningKey } from './signer.ts';
import { parseAwsKmsUri } from './uri.ts';

/**
 * The AWS KMS key source for `awskms://[endpoint]/<key>` URIs (see docs/kms.md).
 * Layers: uri.ts (reference) -> client-config.ts (SDK config) -> kms-key-client.ts (SDK calls,
 * coded errors) -> signer.ts (the Signer).
 */
export type { AwsKmsOptions } from './client-config.ts';
export type { AwsKmsErrorCode } from './errors.ts';
export { AwsKmsSigner } from './signer.ts';
export { parseAwsKmsUri, type AwsKmsReference } from './uri.ts';

/** A Signer backed by the KMS key; fetches (and keeps) its public key once. */
export async function loadAwsKmsSigner(uri: string, opts: AwsKmsOptions = {}): Promise<AwsKmsSigner> {
  const ref = parseAwsKmsUri(uri);
  const client = KmsKeyClient.forReference(ref, opts, uri);
  try {
    return new AwsKmsSigner(client, await client.getPublicKey(ref.keyId), uri);
  } catch (err) {
    client.close();
    throw err;
  }
}

/** A Verifier for the KMS key's public key; verification itself is local (no KMS Verify calls). */
export async function loadAwsKmsVerifier(uri: string, opts: AwsKmsOptions = {}): Promise<Verifier> {
  const ref = parseAwsKmsUri(uri);
  const client = KmsKeyClient.forReference(ref, opts, uri);
  try {
    const key = await client.getPublicKey(ref.keyId);
    checkSigningKey(key, uri);
    return new PublicKeyVerifier(key.publicKey);
  } finally {
    client.close();
  }
}
