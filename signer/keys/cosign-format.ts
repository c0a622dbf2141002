import { keyError } from './errors.ts';

/**
 * The JSON inside a cosign encrypted key PEM (go-securesystemslib `encrypted`):
 * scrypt(password, salt, N, r, p) -> 32-byte key for a nacl secretbox over PKCS#8 DER.
 */
export interface CosignEncryptedKey {
  kdf: { name: 'scrypt'; params: { N: number; r: number; p: number }; salt: string };
  cipher: { name: 'nacl/secretbox'; nonce: string };
  ciphertext: string;
}

/** scrypt work factors we accept: cosign's defaults. Anything else is refused (DoS guard). */
export const SCRYPT_N_ALLOWED: readonly number[] = [32768, 65536, 131072];
export const SCRYPT_R = 8;
export const SCRYPT_P = 1;
/** N=131072, r=8 needs 128 MiB; node's default scrypt maxmem is 32 MiB. */
export const SCRYPT_MAXMEM = 256 * 1024 * 1024;
export const SALT_BYTES = 32;
export const NONCE_BYTES = 24;

/** Parses and checks the JSON body; a broken structure is TAMPERED_KEY, odd params are refused. */
export function parseCosignKeyJson(der: Buffer): {
  N: number;
  salt: Buffer;
  nonce: Buffer;
  ciphertext: Buffer;
} {
  let doc: CosignEncryptedKey;
  try {
    doc = JSON.parse(der.toString('utf8')) as CosignEncryptedKey;
  } catch (err) {
    throw keyError('TAMPERED_KEY', 'cosign key body is not JSON: the key file is damaged', err);
  }
  if (
    doc === null ||
    typeof doc !== 'object' ||
    typeof doc.kdf !== 'object' ||
    typeof doc.cipher !== 'object' ||
    doc.kdf === null ||
    doc.cipher === null
  ) {
    throw keyError('TAMPERED_KEY', 'cosign key JSON lacks kdf/cipher: the key file is damaged');
  }
  if (doc.kdf.name !== 'scrypt')
    throw keyError('UNSUPPORTED_KDF', `cosign key kdf "${String(doc.kdf.name)}" is not scrypt`);
  if (doc.cipher.name !== 'nacl/secretbox') {
    throw keyError(
      'UNSUPPORTED_CIPHER',
      `cosign key cipher "${String(doc.cipher.name)}" is not nacl/secretbox`,
    );
  }
  const { N, r, p } = doc.kdf.params ?? ({} as Record<string, unknown>);
  if (!SCRYPT_N_ALLOWED.includes(N as number) || r !== SCRYPT_R || p !== SCRYPT_P) {
    throw keyError(
      'SCRYPT_PARAMS_REFUSED',
      `cosign key scrypt params N=${String(N)} r=${String(r)} p=${String(p)} refused (allowed: N in {${SCRYPT_N_ALLOWED.join(', ')}}, r=8, p=1)`,
    );
  }
  const salt = bytes(doc.kdf.salt, 'kdf.salt');
  const nonce = bytes(doc.cipher.nonce, 'cipher.nonce');
  const ciphertext = bytes(doc.ciphertext, 'ciphertext');
  if (nonce.length !== NONCE_BYTES)
    throw keyError('TAMPERED_KEY', `cosign key nonce is ${nonce.length} bytes, not 24`);
  if (salt.length === 0 || ciphertext.length <= 16)
    throw keyError('TAMPERED_KEY', 'cosign key salt or ciphertext is empty');
  return { N: N as number, salt, nonce, ciphertext };
}

// Go's encoding/json writes []byte as standard padded base64.
function bytes(value: unknown, field: string): Buffer {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) {
    throw keyError('TAMPERED_KEY', `cosign key ${field} is not base64: the key file is damaged`);
  }
  return Buffer.from(value, 'base64');
}
