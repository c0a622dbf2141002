// Benchmark: a backlog of finished PipelineRuns (default 5,000 with 10 TaskRuns each) on the
// Kubernetes API test server, attested from a cold start by the controller running as its own
// process (signer/controller/main.ts). Reports the controller's peak RSS (VmHWM; target
// < 300 MB), the latency of runs that finish DURING the backlog (target: attested within 5 s)
// and throughput. Measures only; bounded by --timeout-s; never fails on speed.
// Usage: npx node bench/backlog.ts [--runs 5000] [--tasks 10] [--workers 8] [--new-runs 10] [--timeout-s 900] [--json]
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SIGNED_ANNOTATION } from '../signer/controller/annotations.ts';
import { startKubeApiServer } from '../test/harness/kube/index.ts';
import { instantiate, template } from './backlog/fixture.ts';
import { baselineRunsPerSecond } from './backlog/baseline.ts';
import { memoryOf, signedCount } from './backlog/probe.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5000' }, tasks: { type: 'string', default: '10' }, workers: { type: 'string', default: '8' },
    'new-runs': { type: 'string', default: '10' }, 'heap-mib': { type: 'string', default: '256' }, 'semi-space-mib': { type: 'string', default: '4' }, 'timeout-s': { type: 'string', default: '900' }, storage: { type: 'string', default: 'sqlite' },
    json: { type: 'boolean', default: false },
  },
  strict: true,
});
const RUNS = Number(values.runs);
const TASKS = Number(values.tasks);
const NEW_RUNS = Number(values['new-runs']);
const DEADLINE = Date.now() + Number(values['timeout-s']) * 1000;
const NS = 'tekton-provenance';
const RUN_NS = 'ci';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

const kube = await startKubeApiServer({ namespace: NS });
const dir = mkdtempSync(join(tmpdir(), 'tp-backlog-'));
const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
writeFileSync(join(dir, 'x509.pem'), key, { mode: 0o600 });
kube.objects.put({
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tekton-provenance-config', namespace: NS },
  data: {
    'artifacts.pipelinerun.format': 'in-toto', 'artifacts.pipelinerun.storage': values.storage,
    'storage.sqlite.path': join(dir, 'attestations.db'), 'signers.x509.path': join(dir, 'x509.pem'), 'controller.workers': values.workers,
  },
});

const text = template(RUN_NS, TASKS);
const seedStart = Date.now();
const base = Date.now() - 3_600_000;
for (let i = 0; i < RUNS; i++) {
  const { pipelineRun, taskRuns } = instantiate(text, `backlog-${String(i).padStart(5, '0')}`, new Date(base + i * 500));
  for (const tr of taskRuns) kube.objects.put(tr);
  kube.objects.put(pipelineRun);
}
const seedMs = Date.now() - seedStart;
const baseline = await baselineRunsPerSecond(text, key);

const metricsPort = await freePort();
const started = Date.now();
// The controller's V8 old-space cap, as a Deployment sets it (NODE_OPTIONS) next to its memory
// limit: without it V8 grows the heap lazily with allocation, not with live data.
const child = spawn(process.execPath, [
  `--max-old-space-size=${values['heap-mib']}`, `--max-semi-space-size=${values['semi-space-mib']}`, fileURLToPath(new URL('../signer/controller/main.ts', import.meta.url)), '--kubeconfig', kube.kubeconfigPath, '--namespace', NS, '--identity', 'bench',
  '--event-db', join(dir, 'events.db'), '--state-dir', dir, '--metrics-port', String(metricsPort),
], { stdio: ['ignore', 'ignore', 'pipe'] });
let stderrTail = '';
child.stderr.on('data', (d: Buffer) => { stderrTail = (stderrTail + d.toString()).slice(-4000); });
const pid = child.pid as number;

let peakMiB = 0;
let firstSignedAt = 0;
let signed = 0;
const latencies: number[] = [];
const pending: Array<Promise<void>> = [];
let created = 0;
let lastCreate = 0;
while (Date.now() < DEADLINE && child.exitCode === null) {
  const mem = memoryOf(pid);
  if (mem) peakMiB = Math.max(peakMiB, mem.peakMiB);
  signed = await signedCount(metricsPort);
  if (signed > 0 && firstSignedAt === 0) firstSignedAt = Date.now();
  // New runs finish while the backlog is being worked through (not after it).
  if (firstSignedAt > 0 && created < NEW_RUNS && signed < RUNS * 0.9 && Date.now() - lastCreate > 2000) {
    const name = `fresh-${created++}`;
    lastCreate = Date.now();
    const { pipelineRun, taskRuns } = instantiate(text, name, new Date());
    for (const tr of taskRuns) kube.objects.put(tr);
    const t0 = Date.now();
    kube.objects.put(pipelineRun);
    pending.push(kube.objects.waitFor('tekton.dev/v1', 'PipelineRun', RUN_NS, name, (o) => o?.metadata.annotations?.[SIGNED_ANNOTATION] === 'true', 120_000)
      .then(() => { latencies.push(Date.now() - t0); }, () => { latencies.push(Number.POSITIVE_INFINITY); }));
  }
  if (signed >= RUNS + created && created >= Math.min(NEW_RUNS, created)) break;
  await sleep(500);
}
const elapsedMs = Date.now() - started;
const final = memoryOf(pid);
if (final) peakMiB = Math.max(peakMiB, final.peakMiB);
child.kill('SIGTERM');
await Promise.race([Promise.allSettled(pending), sleep(5000)]);
await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
await kube.close();
rmSync(dir, { recursive: true, force: true });

latencies.sort((a, b) => a - b);
const report = {
  runs: RUNS, tasksPerRun: TASKS, workers: Number(values.workers), storage: values.storage, heapCapMiB: Number(values['heap-mib']), semiSpaceMiB: Number(values['semi-space-mib']),
  seedSeconds: +(seedMs / 1000).toFixed(1),
  attested: signed, completed: signed >= RUNS + created,
  elapsedSeconds: +(elapsedMs / 1000).toFixed(1),
  throughputRunsPerSecond: +(signed / ((Date.now() - started) / 1000)).toFixed(1),
  baselineRunsPerSecond: +baseline.toFixed(1),
  controllerPeakRssMiB: +peakMiB.toFixed(1), rssTargetMiB: 300,
  newRunsDuringBacklog: created,
  newRunLatencyMs: { p50: latencies[Math.floor(latencies.length / 2)] ?? null, max: latencies.at(-1) ?? null, all: latencies },
  latencyTargetMs: 5000,
};
if (values.json) console.log(JSON.stringify(report));
else {
  console.log(`backlog: ${report.attested}/${RUNS + created} runs attested in ${report.elapsedSeconds} s (${report.throughputRunsPerSecond} runs/s, ${TASKS} TaskRuns each, ${report.workers} workers, storage ${report.storage})`);
  console.log(`baseline (same runs, in-process normalise + attest + sign, no API, one thread): ${report.baselineRunsPerSecond} runs/s; controller/baseline = ${(report.throughputRunsPerSecond / report.baselineRunsPerSecond).toFixed(2)}`);
  console.log(`controller peak RSS (VmHWM): ${report.controllerPeakRssMiB} MiB (target < 300 MiB; V8 old space capped at ${report.heapCapMiB} MiB)`);
  console.log(`new runs finished during the backlog: ${created}; attested after p50 ${report.newRunLatencyMs.p50} ms, max ${report.newRunLatencyMs.max} ms (target < 5000 ms)`);
  if (!report.completed) console.log(`NOT complete within the time bound; controller log tail:\n${stderrTail.slice(-1500)}`);
}
