// transparency.events (issue 11): the interceptor's answer latency with event records logged
// in Rekor after each answer, against transparency.events off, in the same run. The real
// signer process (signer/main/signer.ts, SQLite store fsync'd, key-signed) and the real HTTPS
// interceptor; the Rekor stand-in in its own process. An open-loop load of RATE GitHub
// webhooks/s (2 KiB) for SECONDS per run; modes alternate, ROUNDS runs each; medians of the
// runs' p50 / p90 / p99, and the median of the per-round ratios (on/off of runs minutes apart
// drift with the machine's load; the two runs of a round are adjacent). With events on, every
// record must be logged by the end of the run.
// A real log runs elsewhere; the stand-in shares this machine's 2 cores. So that its CPU
// (Merkle tree, SET and checkpoint signatures) is not counted against the signer, runs with
// events off carry the same log-side work ("shadow" entries at the webhook rate, no client),
// and the stand-in runs at nice 19. The difference is then what the signer does to upload.
// BENCH_PRIORITY=-10 (root only) runs the bench, the signer and the interceptor at that nice
// level (as bench/interceptor.ts), so that on a machine shared with other jobs the latency
// measures our code rather than the queue for the CPU; the upload thread stays at nice 19.
// Measures only; never fails on speed. Usage: npx node bench/event-transparency.ts
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { loadavg, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startInterceptor, type RunningInterceptor } from '../interceptor/index.ts';
import { memoryLogger } from '../interceptor/observe/logger.ts';
import { postHttps } from '../test/interceptor/helpers/https.ts';
import { githubRequest, STATIC_SECRETS } from '../test/interceptor/helpers/requests.ts';

const RATE = Number(process.env.BENCH_RATE ?? '50');
const SECONDS = Number(process.env.BENCH_SECONDS ?? '6');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '3');
const PRIORITY = process.env.BENCH_PRIORITY === undefined ? undefined : Number(process.env.BENCH_PRIORITY);
if (PRIORITY !== undefined) setPriority(PRIORITY); // this process: load generator and interceptor
const dir = mkdtempSync(join(tmpdir(), 'tp-bench-events-tlog-'));
const ENTRY = join(import.meta.dirname, '../signer/main/signer.ts');

const rekor = fork(join(import.meta.dirname, 'event-transparency/rekor.ts'));
if (rekor.pid !== undefined) setPriority(rekor.pid, 19);
const ready = await new Promise<{ url: string; publicKey: string }>((r) => rekor.once('message', (m) => r(m as { url: string; publicKey: string })));
const logSize = () => new Promise<number>((r) => { rekor.once('message', (m) => r((m as { size: number }).size)); rekor.send({ type: 'size' }); });
const der = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64');
writeFileSync(join(dir, 'trusted_root.json'), JSON.stringify({
  mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  tlogs: [{ baseUrl: ready.url, hashAlgorithm: 'SHA2_256', publicKey: { rawBytes: der(ready.publicKey).toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: new Date(Date.now() - 3600_000).toISOString() } }, logId: { keyId: createHash('sha256').update(der(ready.publicKey)).digest('base64') } }],
  certificateAuthorities: [], ctlogs: [], timestampAuthorities: [],
}));
writeFileSync(join(dir, 'key.pem'), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
writeFileSync(join(dir, 'secrets.json'), JSON.stringify(STATIC_SECRETS), { mode: 0o600 });

function healthz(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    request({ socketPath: socket, path: '/v1/healthz' }, (res) => { res.resume(); resolve(res.statusCode === 200); }).on('error', () => resolve(false)).end();
  });
}

async function run(mode: 'off' | 'on', round: number) {
  const config = join(dir, `config-${mode}.yaml`);
  writeFileSync(config, mode === 'on'
    ? `transparency.events: "true"\ntransparency.url: ${ready.url}\ntransparency.trusted-root: ${join(dir, 'trusted_root.json')}\n`
    : 'transparency.events: "false"\n');
  const socket = join(dir, `s-${mode}-${round}.sock`);
  const signer: ChildProcess = spawn(process.execPath, [ENTRY, '--socket', socket, '--key', join(dir, 'key.pem'), '--state-dir', join(dir, `state-${mode}-${round}`), '--secrets', join(dir, 'secrets.json'), '--config', config], { stdio: 'ignore' });
  if (PRIORITY !== undefined && signer.pid !== undefined) setPriority(signer.pid, PRIORITY); // its threads started later inherit it; the upload thread renices itself to 19
  for (let i = 0; i < 600 && !(await healthz(socket)); i++) await sleep(50);
  const srv: RunningInterceptor = await startInterceptor({ host: '127.0.0.1', port: 0, signerSocket: socket, tls: { kind: 'directory', dir: join(dir, `tls-${mode}-${round}`) }, logger: memoryLogger() });
  rekor.send({ type: 'shadow', rate: mode === 'off' ? RATE : 0 });
  const before = await logSize();
  const one = async () => {
    const t0 = performance.now();
    const res = (await postHttps(`${srv.url}/`, srv.caCert() as string, JSON.stringify(githubRequest(JSON.stringify({ ref: 'refs/heads/main', pad: 'x'.repeat(2000), n: Math.random() }))))).json as { continue?: boolean };
    if (!res.continue) throw new Error(`refused: ${JSON.stringify(res)}`);
    return performance.now() - t0;
  };
  for (let i = 0; i < 20; i++) await one(); // warm-up
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < RATE * SECONDS; i++) { // open loop: one request every 1/RATE s, whatever the answers do
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(one().then((ms) => { latencies.push(ms); }));
  }
  await Promise.all(pending);
  rekor.send({ type: 'shadow', rate: 0 });
  let logged = 0;
  const expected = mode === 'on' ? latencies.length + 20 : 0;
  for (let i = 0; i < 300 && logged < expected; i++) { logged = (await logSize()) - before; if (logged < expected) await sleep(100); }
  await srv.close();
  signer.kill('SIGTERM');
  await new Promise((r) => signer.once('exit', r));
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] as number;
  return { p50: q(0.5), p90: q(0.9), p99: q(0.99), logged, expected };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
console.log(`event transparency bench: Node ${process.version}; ${RATE} webhooks/s x ${SECONDS} s, ${ROUNDS} rounds per mode; nice ${PRIORITY ?? 'unchanged'}; load average ${loadavg()[0]?.toFixed(1)}`);
const results: Record<'off' | 'on', Awaited<ReturnType<typeof run>>[]> = { off: [], on: [] };
for (let r = 0; r < ROUNDS; r++) {
  for (const mode of r % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
    const x = await run(mode, r);
    results[mode].push(x);
    console.log(`  round ${r + 1} ${mode.padEnd(3)}: p50 ${x.p50.toFixed(1)} ms, p90 ${x.p90.toFixed(1)} ms, p99 ${x.p99.toFixed(1)} ms${mode === 'on' ? `, logged ${x.logged}/${x.expected}` : ''}`);
  }
}
for (const p of ['p50', 'p90', 'p99'] as const) {
  const off = median(results.off.map((x) => x[p]));
  const on = median(results.on.map((x) => x[p]));
  const pairs = results.on.map((x, i) => x[p] / (results.off[i]?.[p] ?? NaN));
  console.log(`  ${p}: off ${off.toFixed(1)} ms, on ${on.toFixed(1)} ms, ratio of medians ${(on / off).toFixed(2)}; median of round ratios ${median(pairs).toFixed(2)} (${pairs.map((x) => x.toFixed(2)).join(', ')})`);
}
console.log(`  every record logged with events on: ${results.on.every((x) => x.logged >= x.expected)}; load average now ${loadavg()[0]?.toFixed(1)}`);
rekor.send({ type: 'stop' });
rmSync(dir, { recursive: true, force: true });
