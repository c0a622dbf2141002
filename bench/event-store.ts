// Benchmark: what durability costs the signer, and the floor it puts under the interceptor's
// p99. At 500 events/s with 30 KiB bodies (issue 4's latency case) it times, per event, from
// `put` to durable:
//   baseline:  append the same record bytes to a plain file and fdatasync it (the least any
//              durable store can do on this disk);
//   sqlite:    SqliteEventStore.put (WAL, synchronous=FULL, group commit, checkpoints).
// Reports p50 / p99 / max and CPU per event; the p99 of the disk's own fdatasync is the floor
// under any durable answer. Measures only; bounded (a fixed number of events).
// Usage: npx node bench/event-store.ts [--json]
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEventStatement } from '../interceptor/record/statement.ts';
import { signEvent } from '../signer/events/sign-event.ts';
import { SqliteEventStore } from '../signer/events/stores/sqlite.ts';
import { validateEventStatement } from '../signer/events/validate-statement.ts';
import { LocalSigner } from '../signer/keys/local.ts';
import { webhookBody } from './interceptor/payloads.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? '2000');
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

interface Result { case: string; p50: number; p99: number; max: number; cpuPerEventMs: number }

/** Runs `put` for EVENTS events started at RATE per second (open loop), timing each to durable. */
async function atRate(label: string, put: (i: number) => Promise<void>): Promise<Result> {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < EVENTS; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(put(i).then(() => void latencies.push(performance.now() - due)));
  }
  await Promise.all(pending);
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 100) / 100;
  return { case: label, p50: at(0.5), p99: at(0.99), max: at(1), cpuPerEventMs: Math.round(((used.user + used.system) / 1000 / EVENTS) * 1000) / 1000 };
}

const dir = mkdtempSync(join(tmpdir(), 'tp-bench-store-'));
try {
  const records = await Promise.all(Array.from({ length: EVENTS }, (_, i) => signedRecord(i)));
  const fd = openSync(join(dir, 'append.log'), 'a');
  const baseline = await atRate('baseline: append + fdatasync', async (i) => {
    writeSync(fd, records[i]!.bytes);
    fdatasyncSync(fd);
  });
  closeSync(fd);
  const store = new SqliteEventStore(join(dir, 'events.db'));
  const sqlite = await atRate('SqliteEventStore.put', async (i) => {
    await store.put(records[i]!.record, records[i]!.bytes);
  });
  await store.close();
  const rows = [baseline, sqlite];
  if (process.argv.includes('--json')) console.log(JSON.stringify({ node: process.version, events: EVENTS, rate: RATE, rows }, null, 2));
  else {
    console.log(`event store bench: node ${process.version}, ${EVENTS} events of 30 KiB at ${RATE}/s, latency from the scheduled start to durable (ms)`);
    console.table(rows);
    console.log(`sqlite / baseline: p99 ${Math.round((sqlite.p99 / baseline.p99) * 100) / 100}x, CPU ${Math.round((sqlite.cpuPerEventMs / baseline.cpuPerEventMs) * 100) / 100}x`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
