import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from './command.ts';

/**
 * A file named on the command line, read; a missing or unreadable one is a usage error
 * naming the flag (exit 2), not a stack trace.
 */
export async function readInputFile(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${flag} ${path}: ${problem(err as NodeJS.ErrnoException, path)}`);
  }
}

/** Writes an output file (`--out`); a missing folder or no permission is a usage error. */
export async function writeOutputFile(path: string, text: string, flag = '--out', mode = 0o644): Promise<void> {
  try {
    await writeFile(path, text, { mode });
  } catch (err) {
    throw new UsageError(`${flag} ${path}: cannot write: ${problem(err as NodeJS.ErrnoException, path)}`);
  }
}

function problem(err: NodeJS.ErrnoException, path: string): string {
  switch (err.code) {
    case 'ENOENT':
      return existsSync(dirname(path)) ? 'no such file' : `no such directory ${dirname(path)}`;
    case 'ENOTDIR':
      return 'a folder in the path is a file';
    case 'EISDIR':
      return 'is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return err.code ?? err.message;
  }
}
