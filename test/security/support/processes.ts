// Separate signer and interceptor processes, started with the heap flags and judged against the
// memory limits the Deployment declares (read from manifests/50-deployment.yaml, so the test
// follows the manifest), plus their peak RSS from the kernel (/proc/<pid>/status VmHWM).
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseAllDocuments } from 'yaml';
import { makeTestCertificates } from '../../harness/eventlistener/test-ca.ts';
import { udsRequest } from '../../signer/server/uds-client.ts';

const ROOT = join(import.meta.dirname, '../../..');

export interface Deployed {
  /** node flags from the container's NODE_OPTIONS (e.g. --max-old-space-size=256). */
  nodeFlags: string[];
  /** resources.limits.memory in bytes. */
  memoryLimitBytes: number;
}

/** What the Deployment runs the named container with. */
export function deployed(container: 'interceptor' | 'signer'): Deployed {
  const docs = parseAllDocuments(readFileSync(join(ROOT, 'manifests/50-deployment.yaml'), 'utf8')).map((d) => d.toJS() as Record<string, unknown>);
  type Container = { name: string; env?: { name: string; value?: string }[]; resources: { limits: { memory: string } } };
  const deployment = docs.find((d) => d.kind === 'Deployment') as { spec: { template: { spec: { containers: Container[] } } } };
  const c = deployment.spec.template.spec.containers.find((x) => x.name === container);
  if (!c) throw new Error(`no container ${container} in the Deployment`);
  const nodeOptions = c.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
  return { nodeFlags: nodeOptions.split(/\s+/).filter(Boolean), memoryLimitBytes: quantityBytes(c.resources.limits.memory) };
}

function quantityBytes(q: string): number {
  const m = /^(\d+)(Ki|Mi|Gi)?$/.exec(q);
  if (!m) throw new Error(`unsupported memory quantity ${q}`);
  return Number(m[1]) * ({ Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 }[m[2] ?? ''] ?? 1);
}

/** Peak resident set of a live process (kernel high-water mark), in bytes. */
export function peakRssBytes(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmHWM for pid ${pid}`);
  return Number(m[1]) * 1024;
}

export interface Proc {
  child: ChildProcess;
  stderr: () => string;
  stop: () => Promise<void>;
}

function start(args: string[]): Proc {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH } });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => {
    err = (err + c.toString()).slice(-64 * 1024);
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000).then(() => child.kill('SIGKILL'))]);
    },
  };
}

/**
 * signer/main/signer.ts with the Deployment's heap flags; resolves once /v1/healthz answers 200.
 * `secrets` (`{"<secretName>/<secretKey>": value}`): the webhook secrets the signer checks
 * with, as its no-cluster `--secrets` file (in a cluster: the Trigger namespace's labelled Secrets).
 */
export async function startSignerProcess(dir: string, socket: string, secrets: Record<string, string> = {}): Promise<Proc & { keyPath: string }> {
  const keyPath = join(dir, 'key.pem');
  writeFileSync(keyPath, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const secretsPath = join(dir, 'webhook-secrets.json');
  writeFileSync(secretsPath, JSON.stringify(secrets), { mode: 0o600 });
  const p = start([
    ...deployed('signer').nodeFlags,
    join(ROOT, 'signer/main/signer.ts'),
    '--socket',
    socket,
    '--key',
    keyPath,
    '--state-dir',
    join(dir, 'state'),
    '--secrets',
    secretsPath,
  ]);
  for (let i = 0; i < 300; i++) {
    if (p.child.exitCode !== null) throw new Error(`signer exited ${p.child.exitCode}: ${p.stderr()}`);
    if (await udsRequest(socket, 'GET', '/v1/healthz').then((r) => r.status === 200, () => false)) return { ...p, keyPath };
    await sleep(50);
  }
  await p.stop();
  throw new Error('signer did not become healthy in 15 s');
}

/** The interceptor in its own process with the Deployment's heap flags; resolves with its URL and CA. */
export async function startInterceptorProcess(
  dir: string,
  socket: string,
  extra: { signerTimeoutMs?: number; load?: Record<string, number>; server?: Record<string, number> } = {},
): Promise<Proc & { url: string; ca: string }> {
  const certs = makeTestCertificates();
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  writeFileSync(certFile, certs.certPem);
  writeFileSync(keyFile, certs.keyPem, { mode: 0o600 });
  const config = JSON.stringify({ certFile, keyFile, signerSocket: socket, ...extra });
  const p = start([...deployed('interceptor').nodeFlags, join(import.meta.dirname, 'interceptor-entry.ts'), config]);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`interceptor did not start: ${p.stderr()}`)), 15_000);
    p.child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
    });
    p.child.once('exit', (code) => reject(new Error(`interceptor exited ${code}: ${p.stderr()}`)));
  });
  return { ...p, url, ca: certs.caPem };
}
