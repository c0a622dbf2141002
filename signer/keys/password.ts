import { readFile } from 'node:fs/promises';
import { keyError } from './errors.ts';

/** Where a cosign key's password may come from, most explicit first. */
export interface PasswordSources {
  password?: string | Buffer;
  /** A file holding the password bytes exactly (Chains' `cosign.password`: no trimming). */
  passwordFile?: string;
  /** Environment to read COSIGN_PASSWORD from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Resolves the password: explicit value, then password file, then COSIGN_PASSWORD (set but
 * empty counts: cosign keys may have an empty password). Never logged or echoed.
 */
export async function resolvePassword(src: PasswordSources, what: string): Promise<Buffer> {
  if (src.password !== undefined) return Buffer.from(src.password);
  if (src.passwordFile !== undefined) {
    try {
      return await readFile(src.passwordFile);
    } catch (err) {
      throw keyError('NO_PASSWORD', `cannot read the password file ${src.passwordFile} for ${what}`, err);
    }
  }
  const env = src.env ?? process.env;
  if (env.COSIGN_PASSWORD !== undefined) return Buffer.from(env.COSIGN_PASSWORD);
  throw keyError(
    'NO_PASSWORD',
    `${what} is encrypted: set COSIGN_PASSWORD or provide a cosign.password file`,
  );
}
