import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../../signer/cli/main.ts';
import { udsRequest } from '../server/uds-client.ts';

const CLI = join(import.meta.dirname, '../../../signer/cli/tkn-provenance.ts');
const SECRET = 'it-is-a-webhook-secret-1234567';

interface Started {
  child: ChildProcess;
  url: string;
  out: () => string;
  err: () => string;
}

async function startServe(dir: string): Promise<Started> {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--port', '0', '--state-dir', join(dir, 'state'), '--secrets', join(dir, 'secrets.yaml')],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  for (let i = 0; i < 300; i++) {
    const m = /listening on (https:\/\/127\.0\.0\.1:\d+)/.exec(out);
    if (m && out.includes('verify-event --key'))
      return { child, url: m[1] as string, out: () => out, err: () => err };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`serve did not start:\n${out}\n${err}`);
}

function postOnce(
  url: string,
  ca: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', ca, headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> }),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/**
 * One retry when the connection is reset before any answer: under heavy parallel test load a
 * fresh TLS connection to the child was seen reset (ECONNRESET, nothing logged by the server,
 * an immediate retry answers). Counted and printed so it stays visible.
 */
let resets = 0;
async function post(
  url: string,
  ca: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  try {
    return await postOnce(url, ca, body);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') throw err;
    resets++;
    console.log(`serve test: connection reset before an answer (${resets}), retrying once`);
    return postOnce(url, ca, body);
  }
}

function githubRequest(body: string, signature: string) {
  return {
    body,
    header: {
      'Content-Type': ['application/json'],
      'X-Github-Event': ['push'],
      'X-Hub-Signature-256': [signature],
    },
    interceptor_params: {
      provider: 'github',
      secretRef: { secretName: 'github-secret', secretKey: 'token' },
    },
    context: { event_url: '/', event_id: randomUUID(), trigger_id: 'namespaces/ci/triggers/push' },
  };
}

async function cli(cwd: string, ...argv: string[]): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  const code = await main(argv, { stdout, stderr: new PassThrough(), env: {}, cwd });
  return { code, out };
}

test('serve: a GitHub-signed InterceptorRequest over HTTPS comes back signed and verifies', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tp-serve-'));
  writeFileSync(join(dir, 'secrets.yaml'), `github-secret:\n  token: ${SECRET}\n`);
  let s = await startServe(dir);
  let step = 'start';
  const t0 = Date.now();
  try {
    await scenario();
  } catch (err) {
    // Show what the server said: the child's logs are the only window into it.
    throw new Error(
      `${(err as Error).message} (at step: ${step}, after ${Date.now() - t0} ms; child exit ${s.child.exitCode} signal ${s.child.signalCode})\n--- serve stderr ---\n${s.err().slice(-4000)}`,
      {
        cause: err,
      },
    );
  } finally {
    s.child.kill('SIGTERM');
    await new Promise((r) => (s.child.exitCode !== null ? r(null) : s.child.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  }

  async function scenario(): Promise<void> {
    const state = join(dir, 'state');
    assert.equal(statSync(join(state, 'signing-key.pem')).mode & 0o777, 0o600);
    const ca = readFileSync(join(state, 'ca.pem'), 'utf8');
    assert.match(s.out(), /curl --cacert .*ca\.pem/);

    const body =
      '{"ref":"refs/heads/main","after":"6113728f27ae82c7b1a177c8d03f9e96e0adf246","repository":{"full_name":"o/r"}}';
    const sig = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    const req = githubRequest(body, sig);
    step = 'post signed @' + String(Date.now() - t0);
    const res = await post(`${s.url}/`, ca, req);
    assert.equal(res.status, 200);
    assert.equal(res.json.continue, true, JSON.stringify(res.json));
    const prov = (res.json.extensions as { provenance: Record<string, string> }).provenance;
    assert.match(prov.digest ?? '', /^sha256:[0-9a-f]{64}$/);

    // The record is in the store (through the signer socket) and verifies against the body.
    step = 'get record @' + String(Date.now() - t0);
    const got = await udsRequest(join(state, 'signer.sock'), 'GET', `/v1/events/${req.context.event_id}`);
    assert.equal(got.status, 200);
    writeFileSync(join(dir, 'record.json'), JSON.stringify(got.json));
    writeFileSync(join(dir, 'push.json'), body);
    step = 'verify-event @' + String(Date.now() - t0);
    const v = await cli(
      dir,
      'verify-event',
      '--key',
      'state/signing-key.pub',
      '--payload',
      'push.json',
      'record.json',
    );
    assert.equal(v.code, 0, v.out);
    assert.match(v.out, /PASS authenticity +github hmac/);
    const record = (got.json as { record: { digest: string; envelope: { signatures: { sig: string }[] } } })
      .record;
    assert.equal(record.digest, prov.digest);
    assert.equal(record.envelope.signatures[0]?.sig, prov.signature);

    // A wrong HMAC is refused and nothing is stored.
    const bad = githubRequest(body, `sha256=${'0'.repeat(64)}`);
    step = 'post wrong hmac @' + String(Date.now() - t0);
    const refused = await post(`${s.url}/`, ca, bad);
    assert.equal(refused.json.continue, false);
    const none = await udsRequest(join(state, 'signer.sock'), 'GET', `/v1/events/${bad.context.event_id}`);
    assert.equal(none.status, 404);

    // SIGTERM: clean stop (exit 0); a restart reuses the key and the store.
    const keyid = /keyid (SHA256:\S+)/.exec(s.out())?.[1];
    const exited = new Promise<number | null>((r) => s.child.once('exit', (code) => r(code)));
    s.child.kill('SIGTERM');
    assert.equal(await exited, 0);
    step = 'restart @' + String(Date.now() - t0);
    s = await startServe(dir);
    assert.equal(/keyid (SHA256:\S+)/.exec(s.out())?.[1], keyid);
    const again = await udsRequest(join(state, 'signer.sock'), 'GET', `/v1/events/${req.context.event_id}`);
    assert.equal(again.status, 200);
    assert.ok(!s.err().includes(SECRET) && !s.out().includes(SECRET), 'the secret is not logged');
    for (const f of readdirSync(state, { recursive: true, withFileTypes: true })) {
      if (!f.isFile()) continue;
      assert.ok(!readFileSync(join(f.parentPath, f.name)).includes(SECRET), `the secret is not in ${f.name}`);
    }
  }
});

test('serve: usage errors exit 2', async () => {
  assert.equal((await cli(tmpdir(), 'serve', '--port', 'x')).code, 2);
  assert.equal((await cli(tmpdir(), 'serve', 'extra')).code, 2);
});
