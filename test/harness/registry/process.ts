import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { ProvenanceError } from '../../../signer/errors.ts';
import type { RegistryErrorCode } from './errors.ts';

/** The registry binary; Debian's package installs it here (`.ci/run` installs the package). */
export const REGISTRY_BINARY = process.env['DOCKER_REGISTRY_BIN'] ?? '/usr/bin/docker-registry';

// Registries still running when the test process exits (a crash, a missing close()) are
// killed synchronously so no docker-registry outlives its suite.
const live = new Set<ChildProcess>();
/** Temp directories to remove at exit if their registry was never closed. */
export const tempDirs = new Set<string>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

export interface RunningProcess {
  child: ChildProcess;
  /** `host:port` the registry said it listens on. */
  address: string;
  /** Last log lines (bounded), for error messages. */
  log(): string;
}

const LISTENING = /msg="listening on ([^",]+)/;
const MAX_LOG = 50;

/**
 * Spawns `docker-registry serve <config>` with a clean environment (REGISTRY_* variables
 * of the caller would override the config file) and resolves once it logs "listening on
 * host:port", so port 0 works without racing for a free port.
 */
export function spawnRegistry(configPath: string, binary = REGISTRY_BINARY, timeoutMs = 10_000): Promise<RunningProcess> {
  const lines: string[] = [];
  const child = spawn(binary, ['serve', configPath], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  const log = (): string => lines.join('\n');
  return new Promise((resolve, reject) => {
    let buffered = '';
    let settled = false;
    const fail = (msg: string, cause?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      const code: RegistryErrorCode = (cause as NodeJS.ErrnoException)?.code === 'ENOENT' ? 'REGISTRY_BINARY_MISSING' : 'REGISTRY_START_FAILED';
      reject(new ProvenanceError<RegistryErrorCode>(code, `${msg}\n${log()}`, { cause }));
    };
    const timer = setTimeout(() => fail(`docker-registry did not report a listening address within ${timeoutMs} ms`), timeoutMs);
    // Keep draining both pipes for the whole life of the process: a full pipe blocks its writes.
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        lines.push(line);
        if (lines.length > MAX_LOG) lines.shift();
        const m = LISTENING.exec(line);
        if (m?.[1] && !settled) {
          settled = true;
          clearTimeout(timer);
          resolve({ child, address: m[1], log });
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (err) => fail(`cannot start ${binary}: ${err.message}`, err));
    child.once('exit', (code, signal) => fail(`docker-registry exited early (code ${code}, signal ${signal})`));
  });
}

/** Kills the process and waits until it is gone (SIGTERM, then SIGKILL after `graceMs`). */
export async function stopProcess(child: ChildProcess, graceMs = 1000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
