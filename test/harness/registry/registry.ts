import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProvenanceError } from '../../../signer/errors.ts';
import { makeTestCertificates } from '../eventlistener/test-ca.ts';
import { registryConfigYaml } from './config.ts';
import type { RegistryErrorCode } from './errors.ts';
import { htpasswdLine } from './htpasswd.ts';
import { spawnRegistry, stopProcess, tempDirs } from './process.ts';
import type { RunningProcess } from './process.ts';
import { waitUntilUp } from './probe.ts';

export interface RegistryOptions {
  /** Require HTTP basic auth (htpasswd, bcrypt) for every request. */
  auth?: { username: string; password: string };
  /** Serve HTTPS: `true` makes a throw-away CA + cert for 127.0.0.1/localhost. */
  tls?: boolean | { certPem: string; keyPem: string; caPem: string };
  /** Reuse this storage directory (it is then NOT deleted by close()). */
  storageDir?: string;
  /** The registry binary (default `/usr/bin/docker-registry` or `$DOCKER_REGISTRY_BIN`). */
  binary?: string;
  /** Log start/stop durations to the console (default: only when HARNESS_TIMING is set). */
  logTiming?: boolean;
}

export interface TestRegistry {
  /** `http(s)://127.0.0.1:<port>` */
  url: string;
  /** `127.0.0.1:<port>`: what goes in image references. */
  host: string;
  port: number;
  storageDir: string;
  /** PEM of the CA to trust when `tls` was requested. */
  caPem?: string;
  /** `Basic ...` value of the Authorization header when `auth` was requested. */
  authorization?: string;
  /** True while the registry process is up. */
  readonly running: boolean;
  /** PID of the registry process while it runs. */
  readonly pid: number | undefined;
  /** Kills the registry process but keeps the port number and storage (simulates an outage). */
  stop(): Promise<void>;
  /** Starts it again on the SAME port with the SAME storage. */
  restart(): Promise<void>;
  /** Stops it and deletes the temp directory. Idempotent. */
  close(): Promise<void>;
}

function timing(opts: RegistryOptions, what: string, started: number): void {
  if (opts.logTiming ?? process.env['HARNESS_TIMING'] !== undefined) {
    console.log(`[harness] registry ${what} in ${Date.now() - started} ms`);
  }
}

/**
 * Starts Debian's docker-registry (distribution 2.8) on a free 127.0.0.1 port with a temp
 * storage directory and waits until `/v2/` answers. Always `close()` it (e.g. in `after`).
 */
export async function startRegistry(opts: RegistryOptions = {}): Promise<TestRegistry> {
  const started = Date.now();
  const workDir = await mkdtemp(join(tmpdir(), 'tp-registry-'));
  tempDirs.add(workDir);
  const storageDir = opts.storageDir ?? join(workDir, 'storage');
  const configPath = join(workDir, 'config.yml');
  let htpasswdPath: string | undefined;
  let authorization: string | undefined;
  if (opts.auth) {
    htpasswdPath = join(workDir, 'htpasswd');
    await writeFile(htpasswdPath, htpasswdLine(opts.auth.username, opts.auth.password), { mode: 0o600 });
    authorization = `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64')}`;
  }
  let tlsFiles: { certPath: string; keyPath: string } | undefined;
  let caPem: string | undefined;
  if (opts.tls) {
    const certs = opts.tls === true ? makeTestCertificates() : opts.tls;
    tlsFiles = { certPath: join(workDir, 'tls.crt'), keyPath: join(workDir, 'tls.key') };
    await writeFile(tlsFiles.certPath, certs.certPem);
    await writeFile(tlsFiles.keyPath, certs.keyPem, { mode: 0o600 });
    caPem = certs.caPem;
  }
  const scheme = tlsFiles ? 'https' : 'http';

  const launch = async (addr: string): Promise<RunningProcess> => {
    await writeFile(configPath, registryConfigYaml({ storageDir, addr, htpasswdPath, tls: tlsFiles }));
    const proc = await spawnRegistry(configPath, opts.binary);
    try {
      await waitUntilUp(`${scheme}://${proc.address}/v2/`, caPem);
    } catch (err) {
      await stopProcess(proc.child);
      throw new ProvenanceError<RegistryErrorCode>('REGISTRY_START_FAILED', `/v2/ never answered\n${proc.log()}`, { cause: err });
    }
    return proc;
  };

  let proc: RunningProcess | undefined;
  try {
    proc = await launch('127.0.0.1:0');
  } catch (err) {
    await rm(workDir, { recursive: true, force: true });
    tempDirs.delete(workDir);
    throw err;
  }
  const host = proc.address;
  const port = Number(host.slice(host.lastIndexOf(':') + 1));
  let closed = false;
  timing(opts, 'start', started);

  const registry: TestRegistry = {
    url: `${scheme}://${host}`,
    host,
    port,
    storageDir,
    caPem,
    authorization,
    get running() {
      return proc !== undefined;
    },
    get pid() {
      return proc?.child.pid;
    },
    async stop() {
      const t = Date.now();
      const p = proc;
      proc = undefined;
      if (p) await stopProcess(p.child);
      timing(opts, 'stop', t);
    },
    async restart() {
      if (closed) throw new ProvenanceError<RegistryErrorCode>('REGISTRY_NOT_RUNNING', 'the registry was closed');
      const t = Date.now();
      if (proc) await registry.stop();
      proc = await launch(host);
      timing(opts, 'restart', t);
    },
    async close() {
      if (closed) return;
      closed = true;
      await registry.stop();
      await rm(workDir, { recursive: true, force: true });
      tempDirs.delete(workDir);
    },
  };
  return registry;
}
