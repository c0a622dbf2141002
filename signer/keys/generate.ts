import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** Key types `keygen` makes; ECDSA P-256 is the default (what cosign and Chains use). */
export const KEY_TYPES = ['ecdsa-p256', 'ed25519', 'rsa'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** RSA keys are 3072 bits: NIST's recommendation past 2030, still fast to verify. */
export function generateKeyPair(type: KeyType = 'ecdsa-p256'): {
  privateKey: KeyObject;
  publicKey: KeyObject;
} {
  if (type === 'ed25519') return generateKeyPairSync('ed25519');
  if (type === 'rsa') return generateKeyPairSync('rsa', { modulusLength: 3072 });
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/** PEM encodings as written to disk: PKCS#8 private key, SPKI `PUBLIC KEY` (the cosign.pub form). */
export function pemPair(privateKey: KeyObject): { privatePem: string; publicPem: string } {
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }) as string,
  };
}
