import type { KeyObject } from 'node:crypto';

/** The signature schemes the signing core produces and accepts. */
export type SigningAlgorithm = 'ecdsa-p256-sha256' | 'ecdsa-p384-sha384' | 'ed25519' | 'rsa-pkcs1v15-sha256';

/**
 * Anything that can sign: a local key, a cosign key, a KMS key. Callers hand over the
 * whole message (e.g. a DSSE PAE); the signer hashes as its algorithm requires.
 * ECDSA signatures are ASN.1 DER, as cosign and sigstore-js expect.
 */
export interface Signer {
  /** Chains-compatible keyid: `SHA256:` + unpadded base64 of sha256(SSH wire public key). */
  readonly keyid: string;
  readonly publicKey: KeyObject;
  readonly algorithm: SigningAlgorithm;
  sign(data: Buffer): Promise<Buffer>;
}

/** A trusted public key, able to check a signature over a whole message. */
export interface Verifier {
  readonly keyid: string;
  readonly publicKey: KeyObject;
  readonly algorithm: SigningAlgorithm;
  verify(data: Buffer, signature: Buffer): boolean;
}
