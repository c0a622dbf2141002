// Builds cosign encrypted keys WITHOUT our code: node scrypt + tweetnacl's secretbox, laid out
// as go-securesystemslib's `encrypted` package does (the format cosign writes).
import { randomBytes, scryptSync, type KeyObject } from 'node:crypto';
import nacl from 'tweetnacl';

export interface FixtureOptions {
  N?: number;
  r?: number;
  p?: number;
  label?: string;
  kdfName?: string;
  cipherName?: string;
  /** Plaintext to encrypt instead of the key's PKCS#8 DER. */
  plaintext?: Buffer;
}

export function cosignKeyFixture(privateKey: KeyObject, password: string, o: FixtureOptions = {}): string {
  const N = o.N ?? 32768;
  const r = o.r ?? 8;
  const p = o.p ?? 1;
  const salt = randomBytes(32);
  const nonce = randomBytes(24);
  // The fixture may use parameters we refuse: derive with cheap ones then (never decrypted).
  const cheap = ![32768, 65536, 131072].includes(N) || r !== 8 || p !== 1;
  const key = scryptSync(
    password,
    salt,
    32,
    cheap ? { N: 1024, r: 8, p: 1 } : { N, r, p, maxmem: 256 * 1024 * 1024 },
  );
  const plaintext = o.plaintext ?? privateKey.export({ type: 'pkcs8', format: 'der' });
  const box = nacl.secretbox(new Uint8Array(plaintext), new Uint8Array(nonce), new Uint8Array(key));
  const json = JSON.stringify({
    kdf: { name: o.kdfName ?? 'scrypt', params: { N, r, p }, salt: salt.toString('base64') },
    cipher: { name: o.cipherName ?? 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: Buffer.from(box).toString('base64'),
  });
  const label = o.label ?? 'ENCRYPTED SIGSTORE PRIVATE KEY';
  const body = Buffer.from(json)
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/** Opens a cosign key with tweetnacl + node scrypt (to check what our keygen writes). */
export function openCosignKeyIndependently(pem: string, password: string): Buffer | null {
  const body = pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  const doc = JSON.parse(Buffer.from(body, 'base64').toString()) as {
    kdf: { params: { N: number; r: number; p: number }; salt: string };
    cipher: { nonce: string };
    ciphertext: string;
  };
  const { N, r, p } = doc.kdf.params;
  const key = scryptSync(password, Buffer.from(doc.kdf.salt, 'base64'), 32, {
    N,
    r,
    p,
    maxmem: 256 * 1024 * 1024,
  });
  const out = nacl.secretbox.open(
    Buffer.from(doc.ciphertext, 'base64'),
    Buffer.from(doc.cipher.nonce, 'base64'),
    key,
  );
  return out ? Buffer.from(out) : null;
}
