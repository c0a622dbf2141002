import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startInterceptor, memoryLogger } from '../../../interceptor/index.ts';
import { makeTestCertificates } from '../../harness/eventlistener/test-ca.ts';
import { udsRequest } from './uds-client.ts';

const ENTRY = join(import.meta.dirname, '../../../signer/main/signer.ts');
const ROUNDS = 4;
const CLIENTS = 12;

function startSigner(dir: string, socket: string, keyPath: string): ChildProcess {
  return spawn(process.execPath, [ENTRY, '--socket', socket, '--key', keyPath, '--state-dir', dir], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
}

async function waitHealthy(socket: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`signer exited with ${child.exitCode}`);
    const ok = await udsRequest(socket, 'GET', '/v1/healthz').then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await sleep(50);
  }
  throw new Error('signer did not become healthy in 30 s');
}

interface Answer {
  continue?: boolean;
  extensions?: { provenance?: Record<string, string> };
}

function post(url: string, ca: string, agent: Agent, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', ca, agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          try {
            resolve(JSON.parse(text) as Answer);
          } catch (err) {
            reject(err as Error);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test('SIGKILL of the signer behind a live interceptor: every continue:true event is stored, as answered', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tp-durable-ic-'));
  const socket = join(dir, 'run', 'signer.sock');
  const keyPath = join(dir, 'key.pem');
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const certs = makeTestCertificates();
  const interceptor = await startInterceptor({
    host: '127.0.0.1',
    port: 0,
    signerSocket: socket,
    signerTimeoutMs: 3_000,
    tls: { kind: 'pem', cert: certs.certPem, key: certs.keyPem },
    logger: memoryLogger(),
  });
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const signed = new Map<string, Record<string, string>>(); // eventId -> provenance extension
  let refused = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const child = startSigner(dir, socket, keyPath);
      await waitHealthy(socket, child);
      let stop = false;
      const clients = Array.from({ length: CLIENTS }, async (_, c) => {
        for (let n = 0; n < 5_000 && !stop; n++) {
          const eventId = randomUUID();
          const body = JSON.stringify({
            body: JSON.stringify({ round, c, n, pad: 'p'.repeat(8_000) }),
            header: { 'Content-Type': ['application/json'] },
            interceptor_params: { provider: 'none', checkedBy: 'github' },
            context: { event_url: '/', event_id: eventId, trigger_id: 'namespaces/ci/triggers/t' },
          });
          const answer = await post(`${interceptor.url}/`, certs.caPem, agent, body).catch(() => undefined);
          if (answer?.continue === true && answer.extensions?.provenance?.signed === 'true') {
            signed.set(eventId, answer.extensions.provenance);
          } else refused++;
        }
      });
      await sleep(200 + round * 50);
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      await sleep(100); // requests now meet a dead socket: refused, never acknowledged
      stop = true;
      await Promise.all(clients);
    }
    const child = startSigner(dir, socket, keyPath);
    await waitHealthy(socket, child);
    for (const [eventId, prov] of signed) {
      const res = await udsRequest(socket, 'GET', `/v1/events/${eventId}`);
      assert.equal(res.status, 200, `acknowledged event ${eventId} is missing after restart`);
      const record = (res.json as { record: { digest: string; envelope: { signatures: { sig: string }[] } } })
        .record;
      assert.equal(record.digest, prov.digest);
      assert.equal(
        record.envelope.signatures[0]?.sig,
        prov.signature,
        'the stamped signature is the stored one',
      );
    }
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    assert.ok(signed.size > 0 && refused > 0, `signed ${signed.size}, refused ${refused}`);
    console.log(
      `durability via interceptor: ${signed.size} signed answers all stored after ${ROUNDS} SIGKILLs; ${refused} refused`,
    );
  } finally {
    agent.destroy();
    await interceptor.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
