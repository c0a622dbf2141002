// Benchmark: the event-signing interceptor (real HTTPS interceptor + real signer over its Unix
// socket + SQLite store, one process pinned to one core) against a bare node:http server doing
// the same parse + hash + statement + DSSE sign with node:crypto and the same key, measured in
// the same run. Reports signed events/s for 2 KiB, 30 KiB and 1 MiB bodies, p50/p99 latency at
// 500 events/s with 30 KiB bodies, and RSS. Measures only; never fails on speed. Bounded: a
// few seconds per case. Usage: npx node bench/interceptor.ts [--json]
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import type { LoadResult, LoadSpec } from './interceptor/loadgen.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? '4');
const SIZES: [string, number][] = [['2 KiB', 2048], ['30 KiB', 30 * 1024], ['1 MiB', 1024 * 1024]];
const RATE = 500;
const here = (f: string) => new URL(f, import.meta.url);
const keyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** Pins a child to one core when the machine has two or more (taskset), so "one core" is true. */
function pin(child: ChildProcess, core: number): boolean {
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

async function startServer(kind: Kind) {
  const env = { ...process.env, BENCH_KEY_PEM: keyPem, ...(kind === 'interceptor-memstore' ? { BENCH_STORE: 'memory' } : {}) };
  const child = fork(here('./interceptor/servers.ts'), [kind.startsWith('bare') ? kind : 'interceptor'], { env });
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
  return { ...ready, pinned, probe, stop };
}

async function load(spec: LoadSpec): Promise<LoadResult> {
  const child = fork(here('./interceptor/loadgen.ts'));
  pin(child, 0);
  child.send(spec);
  return once<LoadResult>(child);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const mib = (n: number) => Math.round((n / 1048576) * 10) / 10;

interface Row {
  server: string;
  case: string;
  /** Wall-clock rate the load generator got answered (bounded by the loaded machine too). */
  eventsPerSec: number;
  p50: number;
  p99: number;
  failed: number;
  /** Server CPU (user + system) per answered event. */
  cpuPerEventMs: number;
  /** 1000 / cpuPerEventMs: events one fully used core could sign (ignores time blocked in fsync). */
  perCoreCapacity: number;
  rssMiB: number;
}

async function measure(kind: Kind): Promise<{ rows: Row[]; pinned: boolean }> {
  const srv = await startServer(kind);
  const rows: Row[] = [];
  const base = { url: srv.url, ca: srv.ca, concurrency: 16, rate: RATE, tag: kind };
  // Warm-up (JIT, TLS sessions, SQLite pages), not reported.
  await load({ ...base, bodyBytes: 2048, mode: 'closed', durationMs: 1000, tag: `${kind}-warm` });
  const cases: [string, LoadSpec][] = [
    ...SIZES.map(([label, bytes]): [string, LoadSpec] => [`throughput ${label}`, { ...base, bodyBytes: bytes, mode: 'closed', durationMs: SECONDS * 1000, tag: `${kind}-${bytes}` }]),
    [`${RATE}/s 30 KiB`, { ...base, bodyBytes: 30 * 1024, mode: 'rate', concurrency: 64, durationMs: SECONDS * 1000, tag: `${kind}-rate` }],
  ];
  for (const [label, spec] of cases) {
    const before = await srv.probe();
    const r = await load(spec);
    const after = await srv.probe();
    const sorted = [...r.latenciesMs].sort((a, b) => a - b);
    const cpuMs = (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000;
    rows.push({
      server: kind,
      case: label,
      eventsPerSec: Math.round((r.completed / r.elapsedMs) * 1000),
      p50: Math.round(pct(sorted, 50) * 100) / 100,
      p99: Math.round(pct(sorted, 99) * 100) / 100,
      failed: r.failed,
      cpuPerEventMs: Math.round((cpuMs / Math.max(1, r.completed)) * 1000) / 1000,
      perCoreCapacity: Math.round((1000 * Math.max(1, r.completed)) / Math.max(cpuMs, 1e-3)),
      rssMiB: mib(after.rss),
    });
  }
  await srv.stop();
  return { rows, pinned: srv.pinned };
}

const bare = await measure('bare');
const bareTls = await measure('bare-https');
const full = await measure('interceptor');
const memstore = await measure('interceptor-memstore');
const ratio = (a: number, b: number) => Math.round((a / (b || 1)) * 1000) / 1000;
const ratios = bare.rows
  .filter((row) => row.case.startsWith('throughput'))
  .map((row, i) => ({
    case: row.case,
    'durable / bare (wall)': ratio(full.rows[i]?.eventsPerSec ?? 0, row.eventsPerSec),
    'durable / bare (per core)': ratio(full.rows[i]?.perCoreCapacity ?? 0, row.perCoreCapacity),
    'no-fsync / bare (wall)': ratio(memstore.rows[i]?.eventsPerSec ?? 0, row.eventsPerSec),
    'no-fsync / bare (per core)': ratio(memstore.rows[i]?.perCoreCapacity ?? 0, row.perCoreCapacity),
    'durable / bare-https (per core)': ratio(full.rows[i]?.perCoreCapacity ?? 0, bareTls.rows[i]?.perCoreCapacity ?? 0),
  }));
const at500 = (rows: Row[]) => rows.find((r) => r.case.startsWith(`${RATE}/s`));
const describe500 = (r: Row | undefined) => (r ? `p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.failed} failed` : 'n/a');
const summary = {
  node: process.version,
  pinnedToOneCore: bare.pinned && bareTls.pinned && full.pinned && memstore.pinned,
  loadAverage: loadavg().map((n) => Math.round(n * 100) / 100),
  cores: availableParallelism(),
  secondsPerCase: SECONDS,
  rows: [...bare.rows, ...bareTls.rows, ...full.rows, ...memstore.rows],
  ratios,
  latencyAt500PerSec30KiB: { bare: describe500(at500(bare.rows)), 'bare-https': describe500(at500(bareTls.rows)), durable: describe500(at500(full.rows)), 'no-fsync': describe500(at500(memstore.rows)) },
};
if (process.argv.includes('--json')) console.log(JSON.stringify(summary, null, 2));
else {
  console.log(
    `interceptor bench: node ${process.version}, ${summary.cores} cores, load average ${summary.loadAverage.join(' ')}, ` +
      `server pinned to one core: ${summary.pinnedToOneCore}, ${SECONDS}s per case\n` +
      'bare = node:http parse+hash+sign; bare-https = the same behind HTTPS; interceptor = HTTPS interceptor + signer over UDS + SQLite (fsync per event); ' +
      'interceptor-memstore = the same with an in-memory SQLite store (no fsync)',
  );
  console.table(summary.rows);
  console.table(ratios);
  console.log('latency at 500 events/s, 30 KiB:', summary.latencyAt500PerSec30KiB);
}
