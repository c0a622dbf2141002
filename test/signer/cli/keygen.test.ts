import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliRun } from './run-cli.ts';
import { loadSigner, loadVerifiers } from '../../../signer/keys/sources.ts';
import { signEnvelope } from '../../../signer/dsse/sign.ts';
import { verifyEnvelope } from '../../../signer/dsse/verify.ts';
import { openCosignKeyIndependently } from '../keys/cosign-fixture.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-keygen-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const cli = (argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> => runCli(['keygen', ...argv], { cwd: dir, env });

async function usable(keyPath: string, pubPath: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const signer = await loadSigner(keyPath, { env });
  const envlp = await signEnvelope('text/plain', Buffer.from('x'), [signer]);
  return verifyEnvelope(envlp, await loadVerifiers(pubPath)).keyids[0]!;
}

for (const [type, algorithm] of [
  ['ecdsa-p256', 'ecdsa-p256-sha256'],
  ['ed25519', 'ed25519'],
  ['rsa', 'rsa-pkcs1v15-sha256'],
]) {
  test(`keygen --type ${type} writes a 0600 PKCS#8 key and a PUBLIC KEY PEM, prints the keyid`, async () => {
    const r = await cli(['--out', type!, '--type', type!]);
    assert.equal(r.code, 0, r.stderr);
    const key = join(dir, type!, 'signing.key');
    const pub = join(dir, type!, 'signing.pub');
    assert.equal(statSync(key).mode & 0o777, 0o600);
    assert.match(readFileSync(key, 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
    assert.match(readFileSync(pub, 'utf8'), /^-----BEGIN PUBLIC KEY-----/);
    assert.equal((await loadSigner(key)).algorithm, algorithm);
    assert.equal(await usable(key, pub), r.stdout.trim());
  });
}

test('keygen defaults to ECDSA P-256 in the current directory and refuses to overwrite without --force', async () => {
  assert.equal((await cli([])).code, 0);
  assert.equal((await loadSigner(join(dir, 'signing.key'))).algorithm, 'ecdsa-p256-sha256');
  const again = await cli([]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /exists; use --force/);
  assert.equal((await cli(['--force'])).code, 0);
});

test('keygen --cosign writes an ENCRYPTED SIGSTORE PRIVATE KEY (N=65536) that opens independently and loads', async () => {
  const env = { COSIGN_PASSWORD: 'correct horse' };
  const r = await cli(['--cosign', '--out', 'cosign'], env);
  assert.equal(r.code, 0, r.stderr);
  const keyText = readFileSync(join(dir, 'cosign/cosign.key'), 'utf8');
  assert.match(keyText, /^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----/);
  assert.equal(statSync(join(dir, 'cosign/cosign.key')).mode & 0o777, 0o600);
  const body = JSON.parse(Buffer.from(keyText.split('\n').slice(1, -2).join(''), 'base64').toString());
  assert.equal(body.kdf.params.N, 65536);
  assert.ok(openCosignKeyIndependently(keyText, 'correct horse'));
  assert.ok(
    !r.stdout.includes('correct horse') && !r.stderr.includes('correct horse'),
    'the password is never echoed',
  );
  assert.equal(
    await usable(join(dir, 'cosign/cosign.key'), join(dir, 'cosign/cosign.pub'), env),
    r.stdout.trim(),
  );
});

test('keygen --cosign needs COSIGN_PASSWORD and refuses an empty one unless allowed', async () => {
  const none = await cli(['--cosign', '--out', 'nopw']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /COSIGN_PASSWORD/);
  assert.ok(!existsSync(join(dir, 'nopw/cosign.key')));
  const empty = await cli(['--cosign', '--out', 'emptypw'], { COSIGN_PASSWORD: '' });
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /--allow-empty-password/);
  const allowed = await cli(['--cosign', '--allow-empty-password', '--out', 'emptypw'], {
    COSIGN_PASSWORD: '',
  });
  assert.equal(allowed.code, 0);
  assert.ok(openCosignKeyIndependently(readFileSync(join(dir, 'emptypw/cosign.key'), 'utf8'), ''));
});

test('keygen usage errors exit 2; --help shows examples', async () => {
  assert.equal((await cli(['--type', 'dsa'])).code, 2);
  assert.equal((await cli(['--bogus'])).code, 2);
  assert.equal((await cli(['extra'])).code, 2);
  const help = await cli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Examples:\n\s+tkn-provenance keygen/);
});
