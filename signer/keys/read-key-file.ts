import { readFile, stat } from 'node:fs/promises';
import { keyError } from './errors.ts';

/** Key files are a few KiB; anything bigger is not a key (and not worth reading). */
export const MAX_KEY_FILE_BYTES = 1024 * 1024;

/** Reads a key file as text, with KEY_NOT_FOUND / UNREADABLE_KEY errors naming the path. */
export async function readKeyFile(path: string): Promise<string> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    throw keyError('KEY_NOT_FOUND', `key file ${path} does not exist or cannot be read`, err);
  }
  if (size > MAX_KEY_FILE_BYTES)
    throw keyError('UNREADABLE_KEY', `${path} is ${size} bytes: too big to be a key file`);
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw keyError('UNREADABLE_KEY', `cannot read key file ${path}`, err);
  }
}

/** 'dir' | 'file' | null (absent), following symlinks as Kubernetes secret mounts need. */
export async function kindOf(path: string): Promise<'dir' | 'file' | null> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : null;
  } catch {
    return null;
  }
}
