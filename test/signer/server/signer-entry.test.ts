import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { encryptCosignKey } from '../../../signer/keys/cosign.ts';
import { chainsKeyId } from '../../../signer/keys/keyid.ts';
import { unverifiedStatement, statementBytes } from '../events/event-fixture.ts';
import { postStatement, udsRequest } from './uds-client.ts';

const ENTRY = join(import.meta.dirname, '../../../signer/main/signer.ts');

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [ENTRY, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH, ...env },
  });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, exited, err: () => err };
}

test('the signer container entry signs with a cosign key from a Chains signing-secrets directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tp-entry-'));
  try {
    const secrets = join(dir, 'signing-secrets');
    mkdirSync(secrets);
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(
      join(secrets, 'cosign.key'),
      await encryptCosignKey(privateKey, Buffer.from('pw-123'), 32768),
    );
    writeFileSync(join(secrets, 'cosign.password'), 'pw-123');
    const socket = join(dir, 'run', 'signer.sock');
    const p = run([], {
      TEKTON_PROVENANCE_SIGNING_KEY: secrets,
      TEKTON_PROVENANCE_SIGNER_SOCKET: socket,
      TEKTON_PROVENANCE_STATE_DIR: join(dir, 'state'),
    });
    let healthy = false;
    // Bounded: 30 s (a cosign key's scrypt and the imports take seconds on a loaded 2-core VM).
    for (let i = 0; i < 600 && !healthy && p.child.exitCode === null; i++) {
      healthy = await udsRequest(socket, 'GET', '/v1/healthz').then(
        (r) => r.status === 200,
        () => false,
      );
      if (!healthy) await sleep(50);
    }
    assert.ok(healthy, p.err());
    const res = await postStatement(socket, statementBytes(unverifiedStatement('{"entry":1}')));
    assert.equal(res.status, 200);
    assert.equal((res.json as { record: { keyid: string } }).record.keyid, chainsKeyId(publicKey));
    assert.ok(!p.err().includes('pw-123'), 'the key password is not logged');
    p.child.kill('SIGTERM');
    assert.equal(await p.exited, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without a usable key the signer exits 1 with a coded log line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tp-entry-'));
  try {
    const p = run(['--key', join(dir, 'nothing-here'), '--socket', join(dir, 's.sock'), '--state-dir', dir]);
    assert.equal(await p.exited, 1);
    const line = JSON.parse(p.err().trim().split('\n').at(-1) as string) as { msg: string; code: string };
    assert.equal(line.msg, 'signer failed to start');
    assert.equal(line.code, 'KEY_NOT_FOUND');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
