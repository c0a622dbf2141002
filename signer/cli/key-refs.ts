import { resolve } from 'node:path';

/** A key ref as users type it: a URI (`awskms://`, `file://`) passes through; a path resolves against the command's cwd. */
export function resolveKeyRef(ref: string, cwd: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(ref) ? ref : resolve(cwd, ref);
}
