// Benchmark: what durability costs the signer, per event store, and the floor it puts under
// the interceptor's p99. At 500 events/s with 30 KiB bodies (issue 4's latency case) it times,
// per event, from `put` to durable, each store against a plain write on the SAME storage in the
// same run:
//   file:      baseline = append the record bytes to a plain file + fdatasync (the least any
//              durable store can do on this disk); SqliteEventStore.put (WAL, synchronous=FULL,
//              group commit, checkpoints).
//   Secrets:   baseline = one plain create of a Secret holding the record; the
//              KubernetesSecretsEventStore.put. Against the Kubernetes API test server (in this
//              process, objects in memory: NOT etcd, so it measures our client path and the API
//              round trip, not etcd's fsync).
//   PostgreSQL: baseline = a plain INSERT of (id, bytes) in autocommit through a pool of the same
//              size; PostgresEventStore.put. Debian's postgresql 15 started by the test harness
//              (fsync on, synchronous_commit on) on this machine.
// Reports p50 / p99 / max, events/s achieved and CPU per event, the median of RUNS runs each.
// Measures only; bounded (a fixed number of events per run).
// Usage: npx node bench/event-store.ts [--json] [--only sqlite|secrets|postgres]
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { CoreV1Api } from '@kubernetes/client-node';
import pg from 'pg';
import { startKubeApiServer } from '../test/harness/kube/index.ts';
import { startPostgres } from '../test/harness/postgres/index.ts';
import { KubernetesSecretsEventStore } from '../signer/events/stores/kubernetes-secrets.ts';
import { PostgresEventStore, PG_DEFAULTS } from '../signer/events/stores/postgres.ts';
import { serializeRecord } from '../signer/events/record-codec.ts';
import { reuseConnections } from '../signer/controller/kube/connections.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEventStatement } from '../interceptor/record/statement.ts';
import { signEvent } from '../signer/events/sign-event.ts';
import { SqliteEventStore } from '../signer/events/stores/sqlite.ts';
import { validateEventStatement } from '../signer/events/validate-statement.ts';
import { LocalSigner } from '../signer/keys/local.ts';
import { webhookBody } from './interceptor/payloads.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? '2000');
const RUNS = Number(process.env.BENCH_RUNS ?? '3');
/**
 * The API test server does far more per request than a put (validation, managed fields, in
 * this process) and saturates near 20 creates/s on the 2-core VM: fewer events keep the
 * Secrets case short; past saturation its latencies are queueing, the ratio stays fair.
 */
const SECRETS_EVENTS = Math.min(EVENTS, Number(process.env.BENCH_SECRETS_EVENTS ?? '200'));
const onlyArg = process.argv.indexOf('--only');
const ONLY = onlyArg > 0 ? process.argv[onlyArg + 1] : undefined;
const RATE = 500;
const BODY = webhookBody(30 * 1024);
const signer = new LocalSigner(createPrivateKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' })));

/** A signed record of a distinct event, as the signer hands it to the store. */
async function signedRecord(i: number) {
  const bytes = buildEventStatement({
    body: BODY,
    bodyBytes: Buffer.from(BODY),
    header: { 'Content-Type': ['application/json'] },
    context: { event_id: `bench-${i}`, event_url: '/', trigger_id: 'namespaces/bench/triggers/push' },
    receivedAt: new Date(),
    authenticity: { provider: 'github', verified: true, method: 'hmac-sha256 X-Hub-Signature-256', checkedBy: 'bench' },
    interceptor: { name: 'bench', version: '0' },
  }).bytes;
  return { bytes, record: await signEvent(bytes, validateEventStatement(bytes), signer) };
}

interface Result { case: string; p50: number; p99: number; max: number; eventsPerSec: number; cpuPerEventMs: number }

/** Runs `put` for EVENTS events started at RATE per second (open loop), timing each to durable. */
async function atRate(label: string, put: (i: number) => Promise<void>, events = EVENTS): Promise<Result> {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < events; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(put(i).then(() => void latencies.push(performance.now() - due)));
  }
  await Promise.all(pending);
  const elapsed = performance.now() - start;
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 100) / 100;
  return { case: label, p50: at(0.5), p99: at(0.99), max: at(1), eventsPerSec: Math.round(events / (elapsed / 1000)), cpuPerEventMs: Math.round(((used.user + used.system) / 1000 / events) * 1000) / 1000 };
}

/** The median of each figure over RUNS runs of one case (`run(r)` makes fresh state per run). */
async function median(label: string, run: (r: number) => Promise<Result>): Promise<Result> {
  const results: Result[] = [];
  for (let r = 0; r < RUNS; r++) results.push(await run(r));
  const mid = (k: keyof Omit<Result, 'case'>) => results.map((x) => x[k]).sort((a, b) => a - b)[Math.floor(results.length / 2)]!;
  return { case: label, p50: mid('p50'), p99: mid('p99'), max: mid('max'), eventsPerSec: mid('eventsPerSec'), cpuPerEventMs: mid('cpuPerEventMs') };
}

/** Event ids must differ between runs that share a store's backing (Secrets, one database). */
function renamed(i: number, r: number) {
  const { record, bytes } = records[i]!;
  return { record: { ...record, eventId: `${record.eventId}-r${r}` }, bytes };
}

const dir = mkdtempSync(join(tmpdir(), 'tp-bench-store-'));
const records = await Promise.all(Array.from({ length: EVENTS }, (_, i) => signedRecord(i)));
const pairs: Array<[Result, Result]> = [];
try {
  if (!ONLY || ONLY === 'sqlite') {
    const base = await median('file: append + fdatasync', async (r) => {
      const fd = openSync(join(dir, `append-${r}.log`), 'a');
      try {
        return await atRate('', async (i) => {
          writeSync(fd, records[i]!.bytes);
          fdatasyncSync(fd);
        });
      } finally {
        closeSync(fd);
      }
    });
    const sqlite = await median('SqliteEventStore.put', async (r) => {
      const store = new SqliteEventStore(join(dir, `events-${r}.db`));
      try {
        return await atRate('', async (i) => {
          await store.put(records[i]!.record, records[i]!.bytes);
        });
      } finally {
        await store.close();
      }
    });
    pairs.push([base, sqlite]);
  }
  if (!ONLY || ONLY === 'secrets') {
    const kube = await startKubeApiServer({ namespace: 'bench' });
    try {
      const kc = reuseConnections(kube.kubeConfig()); // as the store does: keep-alive connections
      const api = kc.makeApiClient(CoreV1Api);
      // Warm-up (not timed): connections, JIT, the server's first objects.
      for (let i = 0; i < 20; i++) await api.createNamespacedSecret({ namespace: 'bench', body: { metadata: { name: `warm-${i}` }, data: {} } });
      const base = await median('API server: create Secret', (r) =>
        atRate('', async (i) => {
          const { record } = renamed(i, r);
          await api.createNamespacedSecret({
            namespace: 'bench',
            body: { metadata: { name: `plain-${r}-${i}` }, data: { 'record.json': Buffer.from(serializeRecord(record)).toString('base64') } },
          });
        }, SECRETS_EVENTS),
      );
      const store = KubernetesSecretsEventStore.create({ namespace: 'bench', kubeConfig: kc });
      const secrets = await median('KubernetesSecretsEventStore.put', (r) =>
        atRate('', async (i) => {
          await store.put(renamed(i, r + 10).record);
        }, SECRETS_EVENTS),
      );
      pairs.push([base, secrets]);
    } finally {
      await kube.close();
    }
  }
  if (!ONLY || ONLY === 'postgres') {
    const server = await startPostgres();
    try {
      const db = await server.createDatabase('bench');
      const pool = new pg.Pool({ connectionString: server.url(db), max: PG_DEFAULTS.poolSize });
      await pool.query('CREATE TABLE plain (id text PRIMARY KEY, body bytea NOT NULL)');
      // Warm-up (not timed), both sides: open the pool's connections (SCRAM auth costs CPU).
      await Promise.all(Array.from({ length: PG_DEFAULTS.poolSize }, () => pool.query('SELECT pg_sleep(0.05)')));
      const base = await median('PostgreSQL: plain INSERT', (r) =>
        atRate('', async (i) => {
          await pool.query('INSERT INTO plain (id, body) VALUES ($1, $2)', [`${r}-${i}`, records[i]!.bytes]);
        }),
      );
      await pool.end();
      const store = await PostgresEventStore.open({ url: server.url(db) });
      await Promise.all(Array.from({ length: PG_DEFAULTS.poolSize }, () => store.ping()));
      const postgres = await median('PostgresEventStore.put', (r) =>
        atRate('', async (i) => {
          await store.put(renamed(i, r).record);
        }),
      );
      await store.close();
      pairs.push([base, postgres]);
    } finally {
      await server.close();
    }
  }
  const rows = pairs.flat();
  if (process.argv.includes('--json')) console.log(JSON.stringify({ node: process.version, events: EVENTS, rate: RATE, runs: RUNS, rows }, null, 2));
  else {
    console.log(`event store bench: node ${process.version}, ${EVENTS} events (Secrets: ${SECRETS_EVENTS}) of 30 KiB at ${RATE}/s, latency from the scheduled start to durable (ms), medians of ${RUNS} runs`);
    console.table(rows);
    const x = (a: number, b: number) => Math.round((a / b) * 100) / 100;
    for (const [base, store] of pairs) {
      console.log(`${store.case} / ${base.case}: p50 ${x(store.p50, base.p50)}x, p99 ${x(store.p99, base.p99)}x, CPU ${x(store.cpuPerEventMs, base.cpuPerEventMs)}x`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
