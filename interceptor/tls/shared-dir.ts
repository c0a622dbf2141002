import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The serving cert handed from the signer (which keeps the CA in a Secret and patches the
 * caBundle) to the interceptor (which has no API identity) through a shared in-memory
 * emptyDir: ONE file, replaced by rename, so a reader never pairs a new cert with an old key.
 * The CA's private key never goes there.
 */
export const SERVING_FILE = 'serving-tls.json';

export interface SharedServingCert {
  cert: string;
  key: string;
  ca: string;
}

export function writeServingCert(dir: string, served: SharedServingCert): void {
  const tmp = join(dir, `.${SERVING_FILE}.tmp`);
  writeFileSync(tmp, JSON.stringify(served), { mode: 0o600 });
  renameSync(tmp, join(dir, SERVING_FILE));
}

/** undefined while the file is absent or incomplete. */
export function readServingCert(dir: string): SharedServingCert | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, SERVING_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const v = JSON.parse(text) as Partial<SharedServingCert>;
  return typeof v.cert === 'string' && typeof v.key === 'string' && typeof v.ca === 'string'
    ? { cert: v.cert, key: v.key, ca: v.ca }
    : undefined;
}
