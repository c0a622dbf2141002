import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { keyError } from './errors.ts';
import { pemBlocks } from './pem.ts';

/**
 * Every public key in PEM text: `PUBLIC KEY` (SPKI, e.g. cosign.pub), `RSA PUBLIC KEY`
 * (PKCS#1) and `CERTIFICATE` (its subject key). One file may hold several keys (rotation).
 */
export function publicKeysFromPem(pem: string, what: string): KeyObject[] {
  const blocks = pemBlocks(pem);
  const keys: KeyObject[] = [];
  for (const b of blocks) {
    try {
      if (b.label === 'PUBLIC KEY') keys.push(createPublicKey({ key: b.der, format: 'der', type: 'spki' }));
      else if (b.label === 'RSA PUBLIC KEY')
        keys.push(createPublicKey({ key: b.der, format: 'der', type: 'pkcs1' }));
      else if (b.label === 'CERTIFICATE') keys.push(new X509Certificate(b.der).publicKey);
    } catch (err) {
      throw keyError(
        'UNREADABLE_KEY',
        `${what}: ${b.label} cannot be parsed (${(err as Error).message})`,
        err,
      );
    }
  }
  if (keys.length === 0) {
    const labels = blocks.map((b) => b.label).join(', ') || 'no PEM block';
    throw keyError('NOT_A_PUBLIC_KEY', `${what} holds no public key (found: ${labels})`);
  }
  return keys;
}
