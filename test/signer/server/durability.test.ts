import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { unverifiedStatement, statementBytes } from '../events/event-fixture.ts';
import { postStatement, udsRequest } from './uds-client.ts';

const ENTRY = join(import.meta.dirname, '../../../signer/main/signer.ts');
const ROUNDS = 6;
const CLIENTS = 16;

function startSigner(dir: string, socket: string, keyPath: string): ChildProcess {
  return spawn(process.execPath, [ENTRY, '--socket', socket, '--key', keyPath, '--state-dir', dir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

async function waitHealthy(socket: string, child: ChildProcess): Promise<void> {
  // 30 s: a restart now runs PRAGMA quick_check over the whole store first (docs/security.md),
  // which on a loaded shared test VM can take several seconds for the store these tests grow.
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`signer exited with ${child.exitCode}`);
    try {
      if ((await udsRequest(socket, 'GET', '/v1/healthz')).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error('signer did not become healthy in 30 s');
}

test('SIGKILL of the signer process mid-traffic never loses an acknowledged event', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tp-durable-'));
  const socket = join(dir, 'run', 'signer.sock');
  const keyPath = join(dir, 'key.pem');
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const acknowledged = new Map<string, string>(); // eventId -> digest
  let refused = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const child = startSigner(dir, socket, keyPath); // restarts over the stale socket of the last kill
      await waitHealthy(socket, child);
      let stop = false;
      // Each client keeps sending (bounded: until the process is gone) events of ~30 KiB.
      const clients = Array.from({ length: CLIENTS }, async () => {
        for (let n = 0; n < 10_000 && !stop; n++) {
          const st = unverifiedStatement(JSON.stringify({ round, n, pad: 'x'.repeat(30_000) }));
          try {
            const res = await postStatement(socket, statementBytes(st));
            if (res.status === 200) {
              acknowledged.set(st.predicate.context.eventId, `sha256:${st.subject[0]?.digest.sha256}`);
            } else refused++;
          } catch {
            refused++; // connection reset by the kill: not acknowledged
            if (child.exitCode !== null || child.signalCode !== null) return;
          }
        }
      });
      await sleep(150 + round * 40);
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      stop = true;
      await Promise.all(clients);
    }
    // After the last kill: every acknowledged event is in the store, as acknowledged.
    const child = startSigner(dir, socket, keyPath);
    await waitHealthy(socket, child);
    for (const [eventId, digest] of acknowledged) {
      const res = await udsRequest(socket, 'GET', `/v1/events/${eventId}`);
      assert.equal(res.status, 200, `acknowledged event ${eventId} is missing after restart`);
      assert.equal((res.json as { record: { digest: string } }).record.digest, digest);
    }
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.ok(acknowledged.size > 0, 'some requests were acknowledged');
    console.log(
      `durability: ${acknowledged.size} acknowledged and all found after ${ROUNDS} SIGKILLs; ${refused} cut off`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
