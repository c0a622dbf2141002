import { isProvenanceError } from '../errors.ts';
import { UsageError } from './command.ts';

/** An error as the CLI reports it: a stable code and a one-line message, never a stack. */
export interface ErrorLine {
  code: string;
  message: string;
  /** A usage error: the caller adds the "--help" hint. */
  usage: boolean;
}

/** What the system calls say, in words (the code stays in brackets for scripts). */
const SYSTEM: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a path component is not a directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'already exists',
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available on this machine',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
};

export function errorLine(err: unknown): ErrorLine {
  if (err instanceof UsageError) return { code: err.code, message: oneLine(err.message), usage: true };
  if (isProvenanceError(err)) return { code: err.code, message: oneLine(err.message), usage: false };
  const sys = err as NodeJS.ErrnoException;
  if (typeof sys?.code === 'string' && /^E[A-Z]+$/.test(sys.code)) {
    const where = sys.path ?? (sys.syscall === 'listen' ? sys.message.split(' ').pop() : undefined);
    const what = SYSTEM[sys.code] ?? sys.message;
    return { code: sys.code, message: `${sys.syscall ?? 'system call'} ${where ?? ''}: ${what}`.replace(' :', ':'), usage: false };
  }
  return { code: 'INTERNAL', message: oneLine(err instanceof Error ? err.message : String(err)), usage: false };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
