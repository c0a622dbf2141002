// Soak: the event store under a steady stream with retention on, scaled down to fit a bench
// run (the figure is 1,000,000 events; at 500/s that is 33 minutes). Retention is
// accelerated so the steady state comes within the run: records are "unclaimed" after
// UNCLAIMED_S seconds, half of them are marked attested as they are stored (so attested
// records age out after ATTESTED_S), the pruner runs every 2 s in small batches. Every 10 s it
// reports records, the store's size on disk and the process RSS: with retention the size
// levels off at about rate x retention window, and RSS stays flat. Measures only; bounded.
// Usage: npx node bench/event-store-soak.ts [--store sqlite|postgres] [--json]
//   SOAK_EVENTS (default 60000), SOAK_RATE (default 500/s), SOAK_BODY_KIB (default 4)
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { buildEventStatement } from '../interceptor/record/statement.ts';
import type { EventStore } from '../signer/events/event-store.ts';
import { DEFAULT_RETENTION } from '../signer/events/retention/policy.ts';
import { RetentionPruner } from '../signer/events/retention/pruner.ts';
import { signEvent } from '../signer/events/sign-event.ts';
import { PostgresEventStore } from '../signer/events/stores/postgres.ts';
import { SqliteEventStore } from '../signer/events/stores/sqlite.ts';
import { validateEventStatement } from '../signer/events/validate-statement.ts';
import { LocalSigner } from '../signer/keys/local.ts';
import { silentLogger } from '../signer/server/logger.ts';
import { startPostgres } from '../test/harness/postgres/index.ts';
import { webhookBody } from './interceptor/payloads.ts';

const EVENTS = Number(process.env.SOAK_EVENTS ?? '60000');
const RATE = Number(process.env.SOAK_RATE ?? '500');
const BODY = webhookBody(Number(process.env.SOAK_BODY_KIB ?? '4') * 1024);
const UNCLAIMED_S = 20;
const ATTESTED_S = 10;
const kind = process.argv.includes('--store') ? process.argv[process.argv.indexOf('--store') + 1] : 'sqlite';
const signer = new LocalSigner(createPrivateKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' })));

const dir = mkdtempSync(join(tmpdir(), 'tp-soak-'));
let store: EventStore;
let size: () => Promise<number>;
let cleanup = async () => {};
if (kind === 'postgres') {
  const server = await startPostgres();
  const url = server.url(await server.createDatabase('soak'));
  store = await PostgresEventStore.open({ url });
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  size = async () => Number((await admin.query("SELECT pg_total_relation_size('tekton_provenance_events') AS n")).rows[0].n);
  cleanup = async () => {
    await admin.end();
    await server.close();
  };
} else {
  const path = join(dir, 'events.db');
  store = new SqliteEventStore(path);
  size = async () => statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0);
}

const pruner = new RetentionPruner(store, { ...DEFAULT_RETENTION, attestedMs: ATTESTED_S * 1000, unclaimedMs: UNCLAIMED_S * 1000, intervalMs: 2000 }, silentLogger);
pruner.start();
const samples: Array<{ t: number; events: number; records: number; storeMiB: number; rssMiB: number; heapMiB: number; pruned: number }> = [];
let sent = 0;
let pruned = 0;
const start = performance.now();
const sample = async () => {
  const stats = await store.stats?.();
  samples.push({
    t: Math.round((performance.now() - start) / 1000),
    events: sent,
    records: stats?.records ?? 0,
    storeMiB: Math.round((await size()) / 1048576),
    rssMiB: Math.round(process.memoryUsage().rss / 1048576),
    heapMiB: Math.round(process.memoryUsage().heapUsed / 1048576),
    pruned,
  });
  if (!process.argv.includes('--json')) console.log(JSON.stringify(samples[samples.length - 1]));
};
const timer = setInterval(() => void sample(), 10_000);
try {
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < EVENTS; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    // Behind schedule, still yield to timers and I/O (the pruner, group commits), as a server's
    // event loop does between requests; never a tight loop of microtasks.
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    else await new Promise((r) => setImmediate(r));
    const bytes = buildEventStatement({
      body: BODY, bodyBytes: Buffer.from(BODY), header: { 'Content-Type': ['application/json'] },
      context: { event_id: `soak-${i}`, event_url: '/', trigger_id: 'namespaces/bench/triggers/push' },
      receivedAt: new Date(), authenticity: { provider: 'github', verified: true, method: 'hmac', checkedBy: 'bench' },
      interceptor: { name: 'bench', version: '0' },
    }).bytes;
    const record = await signEvent(bytes, validateEventStatement(bytes), signer);
    const p: Promise<void> = store.put(record, bytes).then(async () => {
      if (i % 2 === 0) await store.markAttested?.(record.eventId, `run-${i}`, new Date());
      sent++;
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    if (inFlight.size > 2000) await Promise.race(inFlight); // bounded backlog if the store falls behind
  }
  await Promise.all(inFlight);
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 10_000));
    pruned = (await pruner.runOnce()).records;
  }
  await sample();
} finally {
  clearInterval(timer);
  await pruner.stop();
  await store.close();
  await cleanup();
  rmSync(dir, { recursive: true, force: true });
}
const prunedTotal = (await pruner.metrics.pruned.get()).values[0]?.value ?? 0;
if (process.argv.includes('--json')) console.log(JSON.stringify({ node: process.version, store: kind, events: EVENTS, rate: RATE, prunedTotal, samples }, null, 2));
else console.log(`soak (${kind}): ${EVENTS} events at ${RATE}/s, unclaimed ${UNCLAIMED_S}s / attested ${ATTESTED_S}s, ${prunedTotal} pruned`);
