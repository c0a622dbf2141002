import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProvenanceError } from '../errors.ts';

export type StateLockErrorCode = 'STATE_DIR_LOCKED';

/** A held lock on a state directory; `release` is idempotent and only removes our own file. */
export interface StateLock {
  path: string;
  release(): void;
}

/**
 * One process per state directory: `serve` owns the socket, the event store and the dev key
 * in it, and a second one would unlink the first one's signer.sock and, dying, delete it.
 * The lock is a file created exclusively ('wx') holding the owner's pid. A lock whose pid is
 * no longer alive (a crash, a kill -9) is stale and taken over; two processes racing for
 * the same stale lock is the one case left to the caller (start them one at a time).
 */
export function acquireStateLock(dir: string, pid = process.pid): StateLock {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'serve.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, `${pid}\n`, { flag: 'wx', mode: 0o644 });
      return lockAt(path, pid);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = ownerOf(path);
    if (owner !== undefined && owner !== pid && alive(owner)) {
      throw new ProvenanceError<StateLockErrorCode>(
        'STATE_DIR_LOCKED',
        `${dir} is in use by another tkn-provenance serve (pid ${owner}); stop it, or give this one its own --state-dir`,
      );
    }
    removeIfOwnedBy(path, owner); // stale (or unreadable): take it over
  }
  throw new ProvenanceError<StateLockErrorCode>('STATE_DIR_LOCKED', `could not lock ${dir} (${path} keeps reappearing)`);
}

function lockAt(path: string, pid: number): StateLock {
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    removeIfOwnedBy(path, pid);
  };
  process.once('exit', release);
  return { path, release };
}

function ownerOf(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Signal 0 tests for existence; EPERM means alive but someone else's. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeIfOwnedBy(path: string, pid: number | undefined): void {
  if (ownerOf(path) !== pid) return;
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
