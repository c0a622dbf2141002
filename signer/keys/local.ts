import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { ProvenanceError } from '../errors.ts';
import { chainsKeyId } from './keyid.ts';
import type { Signer, SigningAlgorithm, Verifier } from './signer.ts';

/** The algorithm a key implies; RSA keys sign PKCS#1 v1.5 SHA-256 (what sigstore-js verifies). */
export function algorithmOf(key: KeyObject): SigningAlgorithm {
  switch (key.asymmetricKeyType) {
    case 'ed25519':
      return 'ed25519';
    case 'rsa': {
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      if (bits < 2048)
        throw new ProvenanceError('UNSUPPORTED_KEY', `RSA key of ${bits} bits is too small (at least 2048)`);
      return 'rsa-pkcs1v15-sha256';
    }
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === 'prime256v1') return 'ecdsa-p256-sha256';
      if (curve === 'secp384r1') return 'ecdsa-p384-sha384';
      throw new ProvenanceError(
        'UNSUPPORTED_CURVE',
        `unsupported EC curve ${curve ?? 'unknown'} (use P-256 or P-384)`,
      );
    }
    default:
      throw new ProvenanceError(
        'UNSUPPORTED_KEY',
        `unsupported key type ${key.asymmetricKeyType ?? 'unknown'}`,
      );
  }
}

/** node:crypto digest name for an algorithm; null for Ed25519 (pure, no prehash). */
export function digestOf(algorithm: SigningAlgorithm): 'sha256' | 'sha384' | null {
  if (algorithm === 'ed25519') return null;
  return algorithm === 'ecdsa-p384-sha384' ? 'sha384' : 'sha256';
}

/** A signer over an in-process private key (node:crypto, OpenSSL). */
export class LocalSigner implements Signer {
  readonly keyid: string;
  readonly publicKey: KeyObject;
  readonly algorithm: SigningAlgorithm;
  readonly #privateKey: KeyObject;
  readonly #digest: 'sha256' | 'sha384' | null;

  constructor(privateKey: KeyObject) {
    if (privateKey.type !== 'private')
      throw new ProvenanceError('UNSUPPORTED_KEY', 'a private key is required to sign');
    this.#privateKey = privateKey;
    this.algorithm = algorithmOf(privateKey);
    this.#digest = digestOf(this.algorithm);
    this.publicKey = createPublicKey(privateKey);
    this.keyid = chainsKeyId(this.publicKey);
  }

  static fromPem(pem: string | Buffer): LocalSigner {
    return new LocalSigner(createPrivateKey(pem));
  }

  async sign(data: Buffer): Promise<Buffer> {
    return sign(this.#digest, data, this.#privateKey);
  }
}

/** A verifier over a public key (PEM SPKI or KeyObject). */
export class PublicKeyVerifier implements Verifier {
  readonly keyid: string;
  readonly publicKey: KeyObject;
  readonly algorithm: SigningAlgorithm;
  readonly #digest: 'sha256' | 'sha384' | null;

  constructor(publicKey: KeyObject) {
    this.publicKey = publicKey.type === 'private' ? createPublicKey(publicKey) : publicKey;
    this.algorithm = algorithmOf(this.publicKey);
    this.#digest = digestOf(this.algorithm);
    this.keyid = chainsKeyId(this.publicKey);
  }

  static fromPem(pem: string | Buffer): PublicKeyVerifier {
    return new PublicKeyVerifier(createPublicKey(pem));
  }

  verify(data: Buffer, signature: Buffer): boolean {
    try {
      return verify(this.#digest, data, this.publicKey, signature);
    } catch {
      return false; // malformed DER and the like: a bad signature, not a crash
    }
  }
}
