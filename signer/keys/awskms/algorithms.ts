import type { SigningAlgorithmSpec } from '@aws-sdk/client-kms';
import { ProvenanceError } from '../../errors.ts';
import type { SigningAlgorithm } from '../signer.ts';
import type { AwsKmsErrorCode } from './errors.ts';

/**
 * Which KMS signing algorithm we ask for, per key spec, and what it means in our contract.
 * Only schemes sigstore/cosign verifiers accept: ECDSA with the curve's own hash (DER output)
 * and RSA PKCS#1 v1.5 with SHA-256 (RSA-PSS is rejected by sigstore-js, so it is not used).
 */
export interface KmsSigningScheme {
  kms: SigningAlgorithmSpec;
  algorithm: SigningAlgorithm;
  /** The hash KMS expects the DIGEST message to be. */
  digest: 'sha256' | 'sha384';
}

const SCHEMES: Record<string, KmsSigningScheme> = {
  ECC_NIST_P256: { kms: 'ECDSA_SHA_256', algorithm: 'ecdsa-p256-sha256', digest: 'sha256' },
  ECC_NIST_P384: { kms: 'ECDSA_SHA_384', algorithm: 'ecdsa-p384-sha384', digest: 'sha384' },
  RSA_2048: { kms: 'RSASSA_PKCS1_V1_5_SHA_256', algorithm: 'rsa-pkcs1v15-sha256', digest: 'sha256' },
  RSA_3072: { kms: 'RSASSA_PKCS1_V1_5_SHA_256', algorithm: 'rsa-pkcs1v15-sha256', digest: 'sha256' },
  RSA_4096: { kms: 'RSASSA_PKCS1_V1_5_SHA_256', algorithm: 'rsa-pkcs1v15-sha256', digest: 'sha256' },
};

/** The scheme for a key spec, checked against the algorithms KMS says the key supports. */
export function schemeFor(keySpec: string | undefined, supported: readonly string[], key: string): KmsSigningScheme {
  const scheme = SCHEMES[keySpec ?? ''];
  if (!scheme) {
    throw new ProvenanceError<AwsKmsErrorCode>(
      'KMS_UNSUPPORTED_KEY_SPEC',
      `AWS KMS key ${key} has key spec ${keySpec ?? 'unknown'}; supported: ${Object.keys(SCHEMES).join(', ')}`,
    );
  }
  if (supported.length > 0 && !supported.includes(scheme.kms)) {
    throw new ProvenanceError<AwsKmsErrorCode>(
      'KMS_UNSUPPORTED_KEY_SPEC',
      `AWS KMS key ${key} does not offer ${scheme.kms} (it offers ${supported.join(', ')})`,
    );
  }
  return scheme;
}
