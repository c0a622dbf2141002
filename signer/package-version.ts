import { readFileSync } from 'node:fs';

/**
 * The package's version, read from its package.json. The sources sit one or two folders
 * below it (`signer/x.ts`), the published build one more (`dist/signer/x.js`), so look in
 * both places instead of assuming one layout (the published bin once crashed on that).
 */
function readVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    let text: string;
    try {
      text = readFileSync(new URL(rel, import.meta.url), 'utf8');
    } catch {
      continue;
    }
    const pkg = JSON.parse(text) as { name?: string; version?: string };
    if (pkg.name === 'tekton-provenance' && typeof pkg.version === 'string') return pkg.version;
  }
  return '0.0.0-unknown';
}

export const PACKAGE_VERSION: string = readVersion();
