// Test keys for the DSSE tests: one generated pair per supported type (real keys, real signatures).
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { LocalSigner, PublicKeyVerifier } from '../../../signer/keys/local.ts';

export type KeyType = 'ecdsa-p256' | 'ed25519' | 'rsa';

export function generate(type: KeyType): { privateKey: KeyObject; publicKey: KeyObject } {
  if (type === 'ecdsa-p256') return generateKeyPairSync('ec', { namedCurve: 'P-256' });
  if (type === 'ed25519') return generateKeyPairSync('ed25519');
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

export function pair(type: KeyType): { signer: LocalSigner; verifier: PublicKeyVerifier } {
  const { privateKey } = generate(type);
  const signer = new LocalSigner(privateKey);
  return { signer, verifier: new PublicKeyVerifier(signer.publicKey) };
}

export const KEY_TYPES: KeyType[] = ['ecdsa-p256', 'ed25519', 'rsa'];
