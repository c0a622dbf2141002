// Benchmark: the event-signing interceptor against a bare node:http server doing the same
// parse + hash + statement + DSSE sign (same P-256 key), measured in the same run.
//   measured system = interceptor process (HTTPS, express, validation, HMAC, statement) +
//   signer process (signing socket, re-validation, DSSE sign, SQLite store fsync'd before
//   answering), both pinned to the SAME core; the load generator runs on another core.
// The machine may be shared: throughput per core is computed from CPU time (user + system of
// the server processes) per answered event, not from wall time. Reports events/s per core for
// 2 KiB, 30 KiB, 1 MiB bodies, p50/p99 at 500 events/s with 30 KiB bodies (wall clock, so it
// includes whatever else the machine runs), and RSS. Measures only; never fails on speed.
// Bounded: a few seconds per case. Usage: npx node bench/interceptor.ts [--json]
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadResult, LoadSpec } from './interceptor/loadgen.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? '4');
const ALL_SIZES: [string, number][] = [['2 KiB', 2048], ['30 KiB', 30 * 1024], ['1 MiB', 1024 * 1024]];
/** BENCH_SIZES=2048,30720 runs only those body sizes (quick iterations); default all three. */
const SIZES = process.env.BENCH_SIZES ? ALL_SIZES.filter(([, b]) => process.env.BENCH_SIZES!.split(',').includes(String(b))) : ALL_SIZES;
/** BENCH_RATE=0 skips the fixed-rate latency cases (quick throughput-only iterations). */
const RATE_CASES = process.env.BENCH_RATE !== '0';
const RATE = 500;
/**
 * BENCH_PRIORITY=-10 (root only): runs the bench's processes at that nice level, so that on a
 * machine shared with other jobs the wall-clock latency measures our code, not the queue for
 * the CPU. CPU-time figures do not depend on it.
 */
const PRIORITY = process.env.BENCH_PRIORITY === undefined ? undefined : Number(process.env.BENCH_PRIORITY);
let prioritySet = PRIORITY !== undefined;
const here = (f: string) => new URL(f, import.meta.url);
const keyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** Pins a child to one core when the machine has two or more (taskset), so "one core" is true. */
function pin(child: ChildProcess, core: number): boolean {
  if (PRIORITY !== undefined && child.pid !== undefined) {
    try {
      setPriority(child.pid, PRIORITY);
    } catch {
      prioritySet = false;
    }
  }
  if (availableParallelism() < 2 || child.pid === undefined) return false;
  try {
    execFileSync('taskset', ['-cp', String(core), String(child.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const once = <T>(child: ChildProcess, type?: string) =>
  new Promise<T>((resolve) => {
    const on = (msg: { type?: string }) => {
      if (type === undefined || msg.type === type) {
        child.off('message', on);
        resolve(msg as T);
      }
    };
    child.on('message', on);
  });

interface Probe { rss: number; cpu: { user: number; system: number } }
type Kind = 'bare' | 'bare-https' | 'interceptor' | 'interceptor-memstore';

async function startChild(role: string, env: NodeJS.ProcessEnv) {
  const child = fork(here('./interceptor/servers.ts'), [role], { env: { ...process.env, BENCH_KEY_PEM: keyPem, ...env } });
  const pinned = pin(child, 1);
  const ready = await once<{ url: string; ca?: string }>(child, 'ready');
  const probe = async () => {
    child.send({ type: 'probe' });
    return once<Probe>(child, 'probe');
  };
  const stop = async () => {
    child.send({ type: 'stop' });
    await new Promise((r) => child.once('exit', r));
  };
  return { ...ready, pinned, probe, stop, pid: child.pid };
}

/** One or two processes (interceptor + signer) whose CPU is summed. */
async function startSystem(kind: Kind) {
  if (kind === 'bare' || kind === 'bare-https') {
    const one = await startChild(kind, {});
    return { url: one.url, ca: one.ca, pinned: one.pinned, parts: [['server', one]] as const, dir: undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), 'tp-bench-'));
  const env = { BENCH_DIR: dir, BENCH_SOCKET: join(dir, 'signer.sock'), ...(kind === 'interceptor-memstore' ? { BENCH_STORE: 'memory' } : {}) };
  const signer = await startChild('signer', env);
  const icpt = await startChild('interceptor', env);
  return { url: icpt.url, ca: icpt.ca, pinned: signer.pinned && icpt.pinned, parts: [['interceptor', icpt], ['signer', signer]] as const, dir };
}

async function load(spec: LoadSpec): Promise<LoadResult> {
  process.stderr.write(`  ${spec.tag}: ${spec.mode} ${spec.bodyBytes} B for ${spec.durationMs} ms\n`);
  const child = fork(here('./interceptor/loadgen.ts'));
  pin(child, 0);
  child.send(spec);
  // A load generator that dies without answering must not hang the bench.
  const died = new Promise<LoadResult>((resolve) =>
    child.once('exit', () => resolve({ completed: 0, failed: 1, elapsedMs: spec.durationMs, latenciesMs: [] })),
  );
  return Promise.race([once<LoadResult>(child), died]);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const mib = (n: number) => Math.round((n / 1048576) * 10) / 10;
const r3 = (n: number) => Math.round(n * 1000) / 1000;

interface Row {
  server: string;
  case: string;
  /** Wall-clock rate the load generator got answered (bounded by the loaded machine too). */
  eventsPerSec: number;
  p50: number;
  p99: number;
  failed: number;
  /** CPU (user + system) per answered event, summed over the system's processes. */
  cpuPerEventMs: number;
  /** The same, per process (interceptor / signer), when there are two. */
  interceptorCpuMs?: number;
  signerCpuMs?: number;
  /** 1000 / cpuPerEventMs: events one fully used core could sign (ignores time blocked in fsync). */
  perCoreCapacity: number;
  rssMiB: string;
  /** The load generator's own event-loop delay p99 / max (ms): the floor under p99 in this run. */
  loadgenStallMs: string;
}

async function measure(kind: Kind): Promise<{ rows: Row[]; pinned: boolean }> {
  const sys = await startSystem(kind);
  const rows: Row[] = [];
  const base = { url: sys.url, ca: sys.ca, concurrency: 16, rate: RATE, tag: kind };
  // Warm-up (JIT, TLS sessions, SQLite pages), not reported.
  await load({ ...base, bodyBytes: 30 * 1024, mode: 'closed', durationMs: 1500, tag: `${kind}-warm` });
  const cases: [string, LoadSpec, (() => void)?][] = [
    ...SIZES.map(([label, bytes]): [string, LoadSpec] => [`throughput ${label}`, { ...base, bodyBytes: bytes, mode: 'closed', durationMs: SECONDS * 1000, tag: `${kind}-${bytes}` }]),
  ];
  if (RATE_CASES) {
    cases.push([`${RATE}/s 30 KiB`, { ...base, bodyBytes: 30 * 1024, mode: 'rate', concurrency: 64, durationMs: SECONDS * 1000, tag: `${kind}-rate` }]);
  }
  if (RATE_CASES && sys.parts.length === 2) {
    // In a pod the signer is its own container with its own CPU: the same rate with the signer
    // moved to the load generator's core (which the open loop at 500/s barely uses).
    const signerPid = sys.parts[1][1].pid;
    const split = () => (signerPid === undefined ? undefined : execFileSync('taskset', ['-cp', '0', String(signerPid)], { stdio: 'ignore' }));
    cases.push([`${RATE}/s 30 KiB, signer on core 0`, { ...cases[cases.length - 1]![1], tag: `${kind}-rate-split` }, split]);
  }
  for (const [label, spec, prepare] of cases) {
    prepare?.();
    const before = await Promise.all(sys.parts.map(([, p]) => p.probe()));
    const r = await load(spec);
    const after = await Promise.all(sys.parts.map(([, p]) => p.probe()));
    const cpuMs = after.map((a, i) => (a.cpu.user + a.cpu.system - before[i]!.cpu.user - before[i]!.cpu.system) / 1000);
    const total = cpuMs.reduce((a, b) => a + b, 0);
    const n = Math.max(1, r.completed);
    const sorted = [...r.latenciesMs].sort((a, b) => a - b);
    rows.push({
      server: kind,
      case: label,
      eventsPerSec: Math.round((r.completed / r.elapsedMs) * 1000),
      p50: Math.round(pct(sorted, 50) * 100) / 100,
      p99: Math.round(pct(sorted, 99) * 100) / 100,
      failed: r.failed,
      cpuPerEventMs: r3(total / n),
      ...(cpuMs.length === 2 ? { interceptorCpuMs: r3(cpuMs[0]! / n), signerCpuMs: r3(cpuMs[1]! / n) } : {}),
      perCoreCapacity: Math.round((1000 * n) / Math.max(total, 1e-3)),
      rssMiB: after.map((a) => mib(a.rss)).join(' + '),
      loadgenStallMs: r.loadgenDelayMs ? `${r.loadgenDelayMs.p99} / ${r.loadgenDelayMs.max}` : 'n/a',
    });
  }
  for (const [, p] of sys.parts) await p.stop();
  if (sys.dir) rmSync(sys.dir, { recursive: true, force: true });
  return { rows, pinned: sys.pinned };
}

/** BENCH_SYSTEMS=bare-https,interceptor measures only those (others report as empty). */
const only = process.env.BENCH_SYSTEMS?.split(',');
const skip = { rows: [] as Row[], pinned: true };
const run = (kind: Kind) => (only === undefined || only.includes(kind) ? measure(kind) : Promise.resolve(skip));
const bare = await run('bare');
const bareTls = await run('bare-https');
const full = await run('interceptor');
const memstore = await run('interceptor-memstore');
/** a/b, or 'n/a' when either system was not measured in this run (BENCH_SYSTEMS). */
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? 'n/a' : Math.round((a / (b || 1)) * 1000) / 1000;
const ratios = (bareTls.rows.length > 0 ? bareTls.rows : bare.rows)
  .filter((row) => row.case.startsWith('throughput'))
  .map((row, i) => ({
    case: row.case,
    'durable / bare-https (per core)': ratio(full.rows[i]?.perCoreCapacity, bareTls.rows[i]?.perCoreCapacity),
    'durable / bare http (per core)': ratio(full.rows[i]?.perCoreCapacity, bare.rows[i]?.perCoreCapacity),
    'no-fsync / bare-https (per core)': ratio(memstore.rows[i]?.perCoreCapacity, bareTls.rows[i]?.perCoreCapacity),
    'durable / bare-https (wall)': ratio(full.rows[i]?.eventsPerSec, bareTls.rows[i]?.eventsPerSec),
  }));
const at500 = (rows: Row[], split = false) => rows.find((r) => r.case.startsWith(`${RATE}/s`) && r.case.includes('signer on') === split);
const describe500 = (r: Row | undefined) =>
  r ? `p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.failed} failed, ${r.eventsPerSec}/s answered (load generator's own stalls p99/max ${r.loadgenStallMs} ms)` : 'n/a';
const summary = {
  node: process.version,
  pinnedToOneCore: bare.pinned && bareTls.pinned && full.pinned && memstore.pinned,
  loadAverage: loadavg().map((n) => Math.round(n * 100) / 100),
  niceLevel: prioritySet ? PRIORITY : 'default',
  cores: availableParallelism(),
  secondsPerCase: SECONDS,
  rows: [...bare.rows, ...bareTls.rows, ...full.rows, ...memstore.rows],
  ratios,
  latencyAt500PerSec30KiB: { bare: describe500(at500(bare.rows)), 'bare-https': describe500(at500(bareTls.rows)), durable: describe500(at500(full.rows)), 'durable, signer on its own core': describe500(at500(full.rows, true)), 'no-fsync': describe500(at500(memstore.rows)) },
};
if (process.argv.includes('--json')) console.log(JSON.stringify(summary, null, 2));
else {
  console.log(
    `interceptor bench: node ${process.version}, ${summary.cores} cores, load average ${summary.loadAverage.join(' ')}, ` +
      `servers pinned to one core: ${summary.pinnedToOneCore}, nice ${summary.niceLevel}, ${SECONDS}s per case, keep-alive clients\n` +
      'bare = node:http: JSON.parse request + JSON.parse body + sha256 + statement + DSSE sign (P-256); bare-https = the same behind HTTPS;\n' +
      'interceptor = HTTPS interceptor (express, UTF-8/depth/shape checks, HMAC, redaction) + signer process over its Unix socket ' +
      '(re-validation, DSSE sign, SQLite fsync before answering), CPU summed over both; interceptor-memstore = the same with an in-memory SQLite store',
  );
  console.table(summary.rows);
  console.table(ratios);
  console.log('latency at 500 events/s, 30 KiB (wall clock):', summary.latencyAt500PerSec30KiB);
}
