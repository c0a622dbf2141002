import { readFileSync } from 'node:fs';

/** The interceptor's identity in every record: name and the package version. */
export const INTERCEPTOR_NAME = 'tekton-provenance-interceptor';

export const INTERCEPTOR_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
