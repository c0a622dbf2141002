import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { keyError } from './errors.ts';
import type { PasswordSources } from './password.ts';
import { privateKeyFromPem } from './private-key.ts';
import { publicKeysFromPem } from './public-key.ts';
import { kindOf, readKeyFile } from './read-key-file.ts';

/**
 * The signing key in a directory laid out like Chains' `signing-secrets` Secret mount:
 * `x509.pem` (PKCS#8), else `cosign.key` with its password from (in order) an explicit
 * password or password file, the directory's `cosign.password`, or COSIGN_PASSWORD.
 */
export async function privateKeyFromSecretDir(dir: string, src: PasswordSources): Promise<KeyObject> {
  const x509 = join(dir, 'x509.pem');
  if ((await kindOf(x509)) === 'file') return privateKeyFromPem(await readKeyFile(x509), x509, src);
  const cosignKey = join(dir, 'cosign.key');
  if ((await kindOf(cosignKey)) !== 'file') {
    throw keyError(
      'NO_KEYS',
      `directory ${dir} holds neither x509.pem nor cosign.key (the Chains signing-secrets layout)`,
    );
  }
  const passwordFile = join(dir, 'cosign.password');
  const explicit = src.password !== undefined || src.passwordFile !== undefined;
  const withDirPassword =
    !explicit && (await kindOf(passwordFile)) === 'file' ? { ...src, passwordFile } : src;
  return privateKeyFromPem(await readKeyFile(cosignKey), cosignKey, withDirPassword);
}

/** File names that may hold public keys; dotfiles (the `..data` links of secret mounts) are skipped. */
const PUBLIC_KEY_FILE = /^[^.].*\.(pub|pem|crt|cert)$/;

/**
 * Every public key in a directory of key files (key rotation: trust old and new keys at
 * once). Files without a public key (x509.pem private keys, passwords) are skipped.
 */
export async function publicKeysFromDir(dir: string): Promise<KeyObject[]> {
  const names = (await readdir(dir)).filter((n) => PUBLIC_KEY_FILE.test(n)).sort();
  const keys: KeyObject[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if ((await kindOf(path)) !== 'file') continue;
    const pem = await readKeyFile(path);
    if (!/-----BEGIN (PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE)-----/.test(pem)) continue;
    keys.push(...publicKeysFromPem(pem, path));
  }
  if (keys.length === 0)
    throw keyError('NO_KEYS', `directory ${dir} holds no public key files (*.pub, *.pem, *.crt)`);
  return keys;
}
