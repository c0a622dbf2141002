import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CertBundle } from './bundle.ts';

/** Where the CA and serving cert persist between restarts and replicas. */
export interface CertStore {
  /** undefined when nothing (complete) is stored yet. */
  load(): Promise<CertBundle | undefined>;
  save(bundle: CertBundle): Promise<void>;
  /** Human name for logs, e.g. `Secret ns/name` or a directory. */
  readonly description: string;
}

/** File names, shared by the directory store and the Secret's data keys. */
export const BUNDLE_FILES: Record<keyof CertBundle, string> = {
  caCert: 'ca-cert.pem',
  caKey: 'ca-key.pem',
  serverCert: 'server-cert.pem',
  serverKey: 'server-key.pem',
};

/** No-cluster mode: PEM files in a local state directory (keys mode 0600). */
export class DirectoryCertStore implements CertStore {
  readonly #dir: string;
  readonly description: string;

  constructor(dir: string) {
    this.#dir = dir;
    this.description = `directory ${dir}`;
  }

  async load(): Promise<CertBundle | undefined> {
    try {
      const read = (f: string) => readFile(join(this.#dir, f), 'utf8');
      return {
        caCert: await read(BUNDLE_FILES.caCert),
        caKey: await read(BUNDLE_FILES.caKey),
        serverCert: await read(BUNDLE_FILES.serverCert),
        serverKey: await read(BUNDLE_FILES.serverKey),
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async save(bundle: CertBundle): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    for (const [field, file] of Object.entries(BUNDLE_FILES) as [keyof CertBundle, string][]) {
      // Write-then-rename so a reader never sees half a PEM.
      const tmp = join(this.#dir, `.${file}.tmp`);
      await writeFile(tmp, bundle[field], { mode: file.endsWith('key.pem') ? 0o600 : 0o644 });
      await rename(tmp, join(this.#dir, file));
    }
  }
}
