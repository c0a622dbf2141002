import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../signer/config/parse.ts';
import { attestationSigner } from '../../../signer/controller/attestation-key.ts';
import { isProvenanceError } from '../../../signer/errors.ts';
import { chainsKeyId } from '../../../signer/keys/keyid.ts';
import { LocalSigner } from '../../../signer/keys/local.ts';
import { startKubeApiServer } from '../../harness/kube/index.ts';

// Issue 14, item 12: one rule for which key signs what. The process key (--key /
// TEKTON_PROVENANCE_SIGNING_KEY) signs events, and attestations unless the ConfigMap names a key.
function keyFile(dir: string, name: string): { path: string; keyid: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const path = join(dir, name);
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return { path, keyid: chainsKeyId(publicKey) };
}

test('the rule: the ConfigMap key when it names one, otherwise the process key', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attestation-key-'));
  try {
    const processKey = { ref: 'k.pem', signer: new LocalSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey) };
    assert.equal(await attestationSigner(parseConfig({}), processKey), processKey.signer, 'defaults: the process key');
    assert.equal(await attestationSigner(parseConfig({ chains: { 'artifacts.pipelinerun.signer': 'x509' } }), processKey), processKey.signer, 'signer: x509 alone names no key');
    const named = keyFile(dir, 'attest.pem');
    const fromConfig = await attestationSigner(parseConfig({ ours: { 'signers.x509.path': named.path } }), processKey);
    assert.equal(fromConfig.keyid, named.keyid, 'signers.x509.path wins');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing attestation key says where it was set and where to set it', async () => {
  const missing = '/nonexistent/signing-secrets';
  await assert.rejects(attestationSigner(parseConfig({ ours: { 'signers.x509.path': missing } }), undefined), (err: unknown) => {
    assert.ok(isProvenanceError(err, 'KEY_NOT_FOUND'), String(err));
    assert.match(err.message, /^attestation signing key: .*\/nonexistent\/signing-secrets.*; it is signers\.x509\.path in ConfigMap tekton-provenance-config/);
    return true;
  });
  const defaults = parseConfig({});
  defaults.signer.ref = missing; // what the default /etc/signing-secrets is on a machine without it
  await assert.rejects(attestationSigner(defaults, undefined), (err: unknown) => {
    assert.ok(isProvenanceError(err, 'KEY_NOT_FOUND'), String(err));
    assert.match(err.message, /start the signer with --key or TEKTON_PROVENANCE_SIGNING_KEY \(signs events and attestations\), or set signers\.x509\.path/);
    return true;
  });
});

test('signer --controller --key k.pem starts, and its controller signs with k.pem (not /etc/signing-secrets)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attestation-key-'));
  const kube = await startKubeApiServer();
  const key = keyFile(dir, 'k.pem');
  const child = spawn(process.execPath, [join(import.meta.dirname, '../../../signer/main/signer.ts'), '--controller', '--key', key.path, '--socket', join(dir, 's.sock'), '--state-dir', dir], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH, KUBECONFIG: kube.kubeconfigPath, POD_NAMESPACE: 'tekton-provenance' },
  });
  let log = '';
  try {
    const started = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start within 20 s:\n${log}`)), 20_000);
      child.stderr.on('data', (c: Buffer) => {
        log += c.toString();
        const line = log.split('\n').find((l) => l.includes('attestation controller started'));
        if (line) {
          clearTimeout(timer);
          resolve(line);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`signer exited ${String(code)}:\n${log}`));
      });
    });
    assert.equal((JSON.parse(started) as { keyid: string }).keyid, key.keyid);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
    await kube.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
