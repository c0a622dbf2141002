import { createHash, type KeyObject } from 'node:crypto';
import { ProvenanceError } from '../../errors.ts';
import { algorithmOf, PublicKeyVerifier } from '../local.ts';
import { chainsKeyId } from '../keyid.ts';
import type { Signer, SigningAlgorithm } from '../signer.ts';
import { schemeFor, type KmsSigningScheme } from './algorithms.ts';
import type { AwsKmsErrorCode } from './errors.ts';
import type { KmsKeyClient, KmsPublicKey } from './kms-key-client.ts';

/**
 * Checks that a KMS key can sign for us: KeyUsage SIGN_VERIFY, a supported key spec, and a
 * public key whose type matches that spec. Returns the signing scheme to use.
 */
export function checkSigningKey(key: KmsPublicKey, label: string): KmsSigningScheme {
  if (key.keyUsage !== 'SIGN_VERIFY') {
    throw new ProvenanceError<AwsKmsErrorCode>(
      'KMS_KEY_NOT_FOR_SIGNING',
      `AWS KMS key ${label} has KeyUsage ${key.keyUsage ?? 'unknown'}; signing needs a SIGN_VERIFY key`,
    );
  }
  const scheme = schemeFor(key.keySpec, key.signingAlgorithms, label);
  let actual: SigningAlgorithm | undefined;
  try {
    actual = algorithmOf(key.publicKey);
  } catch {
    actual = undefined;
  }
  if (actual !== scheme.algorithm) {
    throw new ProvenanceError<AwsKmsErrorCode>(
      'KMS_BAD_RESPONSE',
      `AWS KMS key ${label}: KeySpec ${key.keySpec ?? '?'} does not match its public key (${actual ?? 'unsupported'})`,
    );
  }
  return scheme;
}

/**
 * A Signer whose private key never leaves AWS KMS. The message (a DSSE PAE) is hashed here and
 * only its digest is sent (MessageType DIGEST): KMS refuses RAW messages over 4096 bytes, and
 * the payload itself never leaves the process. Each signature is checked against the cached
 * public key before it is returned, so a re-pointed alias or a faulty answer cannot produce an
 * envelope that fails verification later.
 */
export class AwsKmsSigner implements Signer {
  readonly keyid: string;
  readonly publicKey: KeyObject;
  readonly algorithm: SigningAlgorithm;
  /** The key ARN every Sign call is pinned to (resolved once from the URI's id or alias). */
  readonly keyArn: string;
  readonly #client: KmsKeyClient;
  readonly #scheme: KmsSigningScheme;
  readonly #verifier: PublicKeyVerifier;
  readonly #label: string;

  constructor(client: KmsKeyClient, key: KmsPublicKey, label: string) {
    this.#scheme = checkSigningKey(key, label);
    this.#client = client;
    this.#label = label;
    this.keyArn = key.keyArn;
    this.publicKey = key.publicKey;
    this.algorithm = this.#scheme.algorithm;
    this.keyid = chainsKeyId(key.publicKey);
    this.#verifier = new PublicKeyVerifier(key.publicKey);
  }

  async sign(data: Buffer): Promise<Buffer> {
    const digest = createHash(this.#scheme.digest).update(data).digest();
    const signature = await this.#client.signDigest(this.keyArn, digest, this.#scheme);
    if (!this.#verifier.verify(data, signature)) {
      throw new ProvenanceError<AwsKmsErrorCode>(
        'KMS_BAD_RESPONSE',
        `AWS KMS key ${this.#label} returned a signature that does not verify with its public key ${this.keyid}`,
      );
    }
    return signature;
  }

  /** Releases the KMS client's pooled connections; the signer cannot sign afterwards. */
  close(): void {
    this.#client.close();
  }
}
