import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ProvenanceError } from '../../../signer/errors.ts';
import type { RegistryErrorCode } from './errors.ts';

/**
 * docker-registry's htpasswd auth accepts ONLY bcrypt entries (golang.org/x/crypto/bcrypt,
 * `$2a$`/`$2b$`/`$2y$`). Node has no bcrypt, node-forge neither, `openssl passwd` has no
 * bcrypt mode and the `htpasswd` CLI (apache2-utils) is not installed. Debian's libc crypt
 * (libxcrypt) does bcrypt, and perl's `crypt()` calls it, so we hash through perl.
 * The password travels on stdin, never on the command line (visible in `ps`).
 */
const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function bcryptSalt(): string {
  // 22 chars of bcrypt's base64 alphabet; the last char carries only 2 bits, so pick from the
  // values whose low 4 bits are zero (what a real encoder emits) to keep the hash canonical.
  const bytes = randomBytes(22);
  let out = '';
  for (let i = 0; i < 21; i++) out += BCRYPT_ALPHABET[(bytes[i] ?? 0) % 64];
  return out + '.Oeu'[(bytes[21] ?? 0) % 4];
}

/** bcrypt hash (`$2b$<cost>$...`) of `password`, cost 5 by default (fast in tests). */
export function bcryptHash(password: string, cost = 5): string {
  if (password.includes('\n')) {
    throw new ProvenanceError<RegistryErrorCode>('HTPASSWD_INVALID', 'the password must not contain a newline');
  }
  const setting = `$2b$${String(cost).padStart(2, '0')}$${bcryptSalt()}`;
  const r = spawnSync('perl', ['-e', 'my $p = <STDIN>; chomp $p; print crypt($p, $ARGV[0]);', setting], {
    input: `${password}\n`,
    encoding: 'utf8',
  });
  const hash = (r.stdout ?? '').trim();
  if (r.status !== 0 || !hash.startsWith(setting.slice(0, 29)) || hash.length !== 60) {
    throw new ProvenanceError<RegistryErrorCode>(
      'HTPASSWD_UNAVAILABLE',
      `cannot make a bcrypt hash with perl crypt() (libxcrypt): ${r.error?.message ?? (r.stderr || hash || 'no output')}`,
    );
  }
  return hash;
}

/** One htpasswd line `user:bcrypt`. Users may not contain `:`. */
export function htpasswdLine(username: string, password: string): string {
  if (username === '' || username.includes(':') || username.includes('\n')) {
    throw new ProvenanceError<RegistryErrorCode>('HTPASSWD_INVALID', `invalid htpasswd user name "${username}"`);
  }
  return `${username}:${bcryptHash(password)}\n`;
}
