import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startPostgres, type TestPostgres } from '../../harness/postgres/index.ts';
import { statementBytes, unverifiedStatement } from '../events/event-fixture.ts';
import { postStatement, udsRequest } from './uds-client.ts';

/**
 * Signer processes (signer/main/signer.ts, as in the pod) on the postgres store: several
 * replicas on one database, kill -9 of a signer and of PostgreSQL under load, and the
 * database going away and coming back.
 */
const ENTRY = join(import.meta.dirname, '../../../signer/main/signer.ts');
let server: TestPostgres;
let dir: string;
let keyPath: string;
let n = 0;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tp-pg-replicas-'));
  keyPath = join(dir, 'key.pem');
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  server = await startPostgres();
});
after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Replica {
  socket: string;
  child: ChildProcess;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

async function startReplica(url: string): Promise<Replica> {
  const state = join(dir, `replica-${++n}`);
  mkdirSync(state);
  const socket = join(state, 'signer.sock');
  const child = spawn(process.execPath, [ENTRY, '--socket', socket, '--key', keyPath, '--state-dir', state, '--event-store', 'postgres', '--postgres-url', url], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-4000);
  });
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`signer exited with ${child.exitCode}: ${log}`);
    const ok = await udsRequest(socket, 'GET', '/v1/healthz').then((r) => r.status === 200, () => false);
    if (ok) break;
    if (i === 299) throw new Error(`signer not healthy in 15 s: ${log}`);
    await sleep(50);
  }
  child.once('exit', (code, sig) => {
    if (sig !== 'SIGKILL' && sig !== 'SIGTERM' && code !== 0) console.error(`signer ${socket} exited ${code ?? sig}: ${log}`);
  });
  const end = async (sig: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(sig);
    await exited;
  };
  return { socket, child, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') };
}

function statement(body: string, eventId?: string) {
  const st = unverifiedStatement(body, eventId ? { eventId } : {});
  return { st, bytes: statementBytes(st), eventId: st.predicate.context.eventId, digest: `sha256:${st.subject[0]?.digest.sha256}` };
}

test('two signers on one database: acknowledged by one, read by the other; a conflict sent to both is stored once', async () => {
  const url = server.url(await server.createDatabase('two'));
  const [a, b] = await Promise.all([startReplica(url), startReplica(url)]);
  try {
    const ev = statement('{"replica":"a"}');
    const put = await postStatement(a.socket, ev.bytes);
    assert.equal(put.status, 200);
    const read = await udsRequest(b.socket, 'GET', `/v1/events/${ev.eventId}`);
    assert.equal(read.status, 200);
    assert.deepEqual((read.json as { record: unknown }).record, (put.json as { record: unknown }).record);
    for (let round = 0; round < 5; round++) {
      const one = statement(`{"race":${round}}`);
      const two = statement(`{"race":"${round}-other"}`, one.eventId);
      const answers = await Promise.all([postStatement(a.socket, one.bytes), postStatement(b.socket, two.bytes)]);
      assert.deepEqual(answers.map((r) => r.status).sort(), [200, 409], JSON.stringify(answers.map((r) => r.json)));
      const loser = answers.find((r) => r.status === 409)?.json as { error: { code: string } };
      assert.equal(loser.error.code, 'EVENT_CONFLICT');
      const winner = (answers.find((r) => r.status === 200)?.json as { record: { digest: string } }).record;
      for (const r of [a, b]) {
        const stored = await udsRequest(r.socket, 'GET', `/v1/events/${one.eventId}`);
        assert.equal((stored.json as { record: { digest: string } }).record.digest, winner.digest);
      }
    }
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test('kill -9 of a signer and of PostgreSQL under a burst: every acknowledged event is there after restart', async () => {
  const url = server.url(await server.createDatabase('kill'));
  const acknowledged = new Map<string, string>();
  let cutOff = 0;
  const survivor = await startReplica(url);
  let victim = await startReplica(url);
  try {
    for (const kill of ['signer', 'postgres'] as const) {
      let stop = false;
      const clients = Array.from({ length: 8 }, async (_, c) => {
        for (let i = 0; i < 5000 && !stop; i++) {
          const target = (i + c) % 2 === 0 ? victim : survivor;
          const ev = statement(JSON.stringify({ kill, c, i, pad: 'k'.repeat(30_000) }));
          try {
            const res = await postStatement(target.socket, ev.bytes);
            if (res.status === 200) acknowledged.set(ev.eventId, ev.digest);
            else cutOff++;
          } catch {
            cutOff++; // connection cut by the kill: not acknowledged
            await sleep(20);
          }
        }
      });
      // Kill once this phase has acknowledged some events (bounded wait), not after a fixed time.
      const before = acknowledged.size;
      for (let w = 0; w < 200 && acknowledged.size < before + 10; w++) await sleep(50);
      if (kill === 'signer') await victim.kill();
      else await server.kill();
      await sleep(200);
      stop = true;
      await Promise.all(clients);
      if (kill === 'signer') victim = await startReplica(url);
      else await server.start();
    }
    // Every acknowledged event, as acknowledged, through either replica (the survivor never restarted).
    for (const [eventId, digest] of acknowledged) {
      const res = await udsRequest(survivor.socket, 'GET', `/v1/events/${eventId}`);
      assert.equal(res.status, 200, `acknowledged event ${eventId} is missing`);
      assert.equal((res.json as { record: { digest: string } }).record.digest, digest);
    }
    assert.ok(acknowledged.size >= 30, `${acknowledged.size} acknowledged`);
    console.log(`postgres durability: ${acknowledged.size} acknowledged, all found; ${cutOff} cut off`);
  } finally {
    await Promise.all([survivor.stop(), victim.stop()]);
  }
});

test('PostgreSQL stopped: answers within the deadline with STORE_UNAVAILABLE and readiness fails; back: signing resumes', async () => {
  const url = server.url(await server.createDatabase('down'));
  const replica = await startReplica(url);
  try {
    assert.equal((await postStatement(replica.socket, statement('{"up":1}').bytes)).status, 200);
    await server.stop();
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const res = await postStatement(replica.socket, statement(`{"down":${i}}`).bytes);
      const ms = Date.now() - started;
      assert.equal(res.status, 503);
      assert.equal((res.json as { error: { code: string } }).error.code, 'STORE_UNAVAILABLE');
      assert.ok(ms < 4500, `answered in ${ms} ms, inside the interceptor's 5 s`);
    }
    assert.equal((await udsRequest(replica.socket, 'GET', '/v1/healthz')).status, 503);
    await server.start();
    const back = statement('{"back":1}');
    const res = await postStatement(replica.socket, back.bytes);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal((await udsRequest(replica.socket, 'GET', '/v1/healthz')).status, 200);
  } finally {
    await replica.stop();
  }
});
