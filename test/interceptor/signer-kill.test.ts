import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startInterceptor } from '../../interceptor/index.ts';
import { memoryLogger } from '../../interceptor/observe/logger.ts';
import { postHttps } from './helpers/https.ts';
import { githubRequest, STATIC_SECRETS } from './helpers/requests.ts';

const ENTRY = join(import.meta.dirname, '../../signer/main/signer.ts');

function udsGet(socketPath: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ socketPath, path, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

async function startSigner(dir: string, socket: string, keyPath: string): Promise<ChildProcess> {
  // The signer checks each webhook's HMAC itself: it gets the tests' webhook secrets.
  const secrets = join(dir, 'secrets.json');
  writeFileSync(secrets, JSON.stringify(STATIC_SECRETS), { mode: 0o600 });
  const child = spawn(process.execPath, [ENTRY, '--socket', socket, '--key', keyPath, '--state-dir', dir, '--secrets', secrets], { stdio: 'ignore' });
  for (let i = 0; i < 600; i++) {
    if (await udsGet(socket, '/v1/healthz').then((s) => s === 200, () => false)) return child;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error('signer did not become healthy in 30 s');
}

test('SIGKILL of the signer process mid-traffic: every continue:true event is stored, the rest say why', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tp-kill-'));
  const socket = join(dir, 'signer.sock');
  const keyPath = join(dir, 'key.pem');
  writeFileSync(keyPath, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  let signer = await startSigner(dir, socket, keyPath);
  const srv = await startInterceptor({
    host: '127.0.0.1',
    port: 0,
    signerSocket: socket,
    tls: { kind: 'directory', dir: join(dir, 'tls') },
    logger: memoryLogger(),
  });
  const signed: string[] = [];
  const refusals = new Set<string>();
  try {
    let killed = false;
    const clients = Array.from({ length: 8 }, async (_, c) => {
      // Bounded: stops a few requests after the kill is observed, or after 400 requests.
      let afterKill = 0;
      for (let n = 0; n < 400 && afterKill < 3; n++) {
        const req = githubRequest(JSON.stringify({ c, n, pad: 'x'.repeat(20_000) }));
        const res = (await postHttps(`${srv.url}/`, srv.caCert()!, JSON.stringify(req))).json as {
          continue: boolean;
          status?: { code: number; message: string };
        };
        if (res.continue) signed.push(req.context!.event_id);
        else {
          assert.equal(res.status?.code, 14, res.status?.message);
          refusals.add(res.status!.message.split(':')[0]!);
        }
        if (killed) afterKill++;
      }
    });
    // Kill mid-traffic, once some events are acknowledged (bounded: a loaded machine may be slow to start).
    for (const deadline = Date.now() + 30_000; signed.length < 5 && Date.now() < deadline; ) await sleep(20);
    signer.kill('SIGKILL');
    killed = true;
    await Promise.all(clients);
    assert.ok(signed.length > 0, 'events were signed before the kill');
    assert.ok([...refusals].every((code) => code === 'SIGNER_UNAVAILABLE'), [...refusals].join());

    signer = await startSigner(dir, socket, keyPath);
    for (const id of signed) assert.equal(await udsGet(socket, `/v1/events/${id}`), 200, `acknowledged event ${id} is stored`);
    const after = githubRequest();
    assert.equal(((await postHttps(`${srv.url}/`, srv.caCert()!, JSON.stringify(after))).json as { continue: boolean }).continue, true, 'serves again once the signer is back');
  } finally {
    await srv.close();
    signer.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
