import { createPrivateKey, randomBytes, scrypt, type KeyObject, type ScryptOptions } from 'node:crypto';
import { promisify } from 'node:util';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { keyError } from './errors.ts';
import { COSIGN_LABELS, pemBlocks, toPem } from './pem.ts';
import {
  NONCE_BYTES,
  SALT_BYTES,
  SCRYPT_MAXMEM,
  SCRYPT_N_ALLOWED,
  SCRYPT_P,
  SCRYPT_R,
  parseCosignKeyJson,
  type CosignEncryptedKey,
} from './cosign-format.ts';

// Async scrypt: 64-128 MiB of work must not block a serving event loop.
const scryptAsync = promisify(scrypt) as (
  pw: Buffer,
  salt: Buffer,
  len: number,
  opts: ScryptOptions,
) => Promise<Buffer>;
const deriveKey = (password: Buffer, salt: Buffer, N: number): Promise<Buffer> =>
  scryptAsync(password, salt, 32, { N, r: SCRYPT_R, p: SCRYPT_P, maxmem: SCRYPT_MAXMEM });

/** True when `pem` holds a cosign encrypted private key (either label). */
export function isCosignKey(pem: string): boolean {
  return COSIGN_LABELS.some((label) => pem.includes(`-----BEGIN ${label}-----`));
}

/**
 * Decrypts a cosign key. A secretbox MAC failure cannot tell a wrong password from a
 * modified ciphertext, so it is WRONG_PASSWORD with a message naming both; a broken
 * PEM/JSON structure or a plaintext that is not a key is TAMPERED_KEY.
 */
export async function decryptCosignKey(pem: string, password: Buffer): Promise<KeyObject> {
  const block = pemBlocks(pem).find((b) => (COSIGN_LABELS as readonly string[]).includes(b.label));
  if (!block)
    throw keyError('TAMPERED_KEY', 'no complete cosign private key PEM block: the key file is damaged');
  const { N, salt, nonce, ciphertext } = parseCosignKeyJson(block.der);
  const key = await deriveKey(password, salt, N);
  let der: Uint8Array;
  try {
    der = xsalsa20poly1305(key, nonce).decrypt(ciphertext);
  } catch (err) {
    throw keyError(
      'WRONG_PASSWORD',
      'cannot decrypt the cosign key: wrong password or tampered key file',
      err,
    );
  } finally {
    key.fill(0);
  }
  try {
    return createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
  } catch (err) {
    throw keyError('TAMPERED_KEY', 'the decrypted cosign key is not a PKCS#8 private key', err);
  } finally {
    der.fill(0);
  }
}

/** Encrypts a private key in cosign's current format (`ENCRYPTED SIGSTORE PRIVATE KEY`). */
export async function encryptCosignKey(privateKey: KeyObject, password: Buffer, N = 65536): Promise<string> {
  if (!SCRYPT_N_ALLOWED.includes(N))
    throw keyError('SCRYPT_PARAMS_REFUSED', `scrypt N=${N} is not one of ${SCRYPT_N_ALLOWED.join(', ')}`);
  const salt = randomBytes(SALT_BYTES);
  const nonce = randomBytes(NONCE_BYTES);
  const key = await deriveKey(password, salt, N);
  const der = privateKey.export({ type: 'pkcs8', format: 'der' });
  const ciphertext = xsalsa20poly1305(key, nonce).encrypt(der);
  key.fill(0);
  der.fill(0);
  const doc: CosignEncryptedKey = {
    kdf: { name: 'scrypt', params: { N, r: SCRYPT_R, p: SCRYPT_P }, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: Buffer.from(ciphertext).toString('base64'),
  };
  return toPem('ENCRYPTED SIGSTORE PRIVATE KEY', Buffer.from(JSON.stringify(doc)));
}
