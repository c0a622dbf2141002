import { createPublicKey, type KeyObject } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { ProvenanceError } from '../../errors.ts';
import { kmsClientConfig, type AwsKmsOptions } from './client-config.ts';
import { kmsError, type AwsKmsErrorCode } from './errors.ts';
import type { KmsSigningScheme } from './algorithms.ts';
import type { AwsKmsReference } from './uri.ts';

/** What GetPublicKey tells us about a key. */
export interface KmsPublicKey {
  /** The key ARN KMS resolved the reference to (aliases included). */
  keyArn: string;
  publicKey: KeyObject;
  keyUsage: string | undefined;
  keySpec: string | undefined;
  signingAlgorithms: string[];
}

/**
 * The domain client: two KMS calls, each turning SDK failures into coded ProvenanceErrors.
 * Transport concerns (SigV4, retries with backoff for throttling and 5xx, timeouts) stay in
 * the SDK, configured by client-config.ts; nothing here loops.
 */
export class KmsKeyClient {
  readonly #kms: KMSClient;
  readonly #label: string;

  constructor(kms: KMSClient, label: string) {
    this.#kms = kms;
    this.#label = label;
  }

  static forReference(ref: AwsKmsReference, opts: AwsKmsOptions, label: string): KmsKeyClient {
    return new KmsKeyClient(new KMSClient(kmsClientConfig(ref, opts)), label);
  }

  async getPublicKey(keyId: string): Promise<KmsPublicKey> {
    let out;
    try {
      out = await this.#kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
    } catch (err) {
      throw kmsError(err, 'GetPublicKey', this.#label);
    }
    if (!out.PublicKey || !out.KeyId) throw this.#badResponse('GetPublicKey returned no PublicKey or KeyId');
    let publicKey: KeyObject;
    try {
      publicKey = createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' });
    } catch (err) {
      throw this.#badResponse('GetPublicKey returned a PublicKey that is not DER SubjectPublicKeyInfo', err);
    }
    return {
      keyArn: out.KeyId,
      publicKey,
      keyUsage: out.KeyUsage,
      keySpec: out.KeySpec ?? out.CustomerMasterKeySpec,
      signingAlgorithms: out.SigningAlgorithms ?? [],
    };
  }

  /** Signs a precomputed digest (MessageType DIGEST); returns the raw signature bytes. */
  async signDigest(keyId: string, digest: Buffer, scheme: KmsSigningScheme): Promise<Buffer> {
    let out;
    try {
      out = await this.#kms.send(
        new SignCommand({ KeyId: keyId, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: scheme.kms }),
      );
    } catch (err) {
      throw kmsError(err, 'Sign', this.#label);
    }
    if (!out.Signature || out.Signature.length === 0) throw this.#badResponse('Sign returned no Signature');
    if (out.KeyId !== undefined && out.KeyId !== keyId) {
      throw this.#badResponse(`Sign answered for key ${out.KeyId}, not ${keyId}`);
    }
    return Buffer.from(out.Signature);
  }

  /** Closes pooled connections (keep-alive sockets). */
  close(): void {
    this.#kms.destroy();
  }

  #badResponse(message: string, cause?: unknown): ProvenanceError<AwsKmsErrorCode> {
    return new ProvenanceError('KMS_BAD_RESPONSE', `AWS KMS key ${this.#label}: ${message}`, { cause });
  }
}
