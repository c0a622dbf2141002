import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalSigner } from '../keys/local.ts';

export interface DevKey {
  signer: LocalSigner;
  privateKeyPath: string;
  publicKeyPath: string;
  created: boolean;
}

/**
 * The no-cluster signing key: ECDSA P-256 (what cosign and sigstore-js verify), generated on
 * first run into the state directory (private key 0600) and reused afterwards.
 */
export function ensureDevKey(stateDir: string): DevKey {
  const privateKeyPath = join(stateDir, 'signing-key.pem');
  const publicKeyPath = join(stateDir, 'signing-key.pub');
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  let created = false;
  if (!existsSync(privateKeyPath)) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    // 'wx': never overwrite a key another process wrote in the meantime.
    writeFileSync(privateKeyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
      flag: 'wx',
    });
    created = true;
  }
  const signer = LocalSigner.fromPem(readFileSync(privateKeyPath));
  writePublicKey(publicKeyPath, signer);
  return { signer, privateKeyPath, publicKeyPath, created };
}

/** The public half as PEM SPKI (cosign.pub format), for `verify-event --key`. */
export function writePublicKey(path: string, signer: { publicKey: LocalSigner['publicKey'] }): void {
  writeFileSync(path, signer.publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
}
