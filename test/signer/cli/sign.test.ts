import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCli, type CliRun } from './run-cli.ts';
import { parseEnvelope, verifyEnvelope } from '../../../signer/dsse/verify.ts';
import { verifyDsseBundle } from '../../../signer/bundle/verify.ts';
import { PublicKeyVerifier } from '../../../signer/keys/local.ts';
import { cosignKeyFixture } from '../keys/cosign-fixture.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const TYPE = 'application/vnd.in-toto+json';
let dir: string;
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const verifier = new PublicKeyVerifier(ec.publicKey);
const statement = Buffer.from('{"_type":"https://in-toto.io/Statement/v1",  "odd spacing": true}\n');

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-sign-'));
  writeFileSync(join(dir, 'key.pem'), ec.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(dir, 'stmt.json'), statement);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const cli = (argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> => runCli(['sign', ...argv], { cwd: dir, env });

test('sign writes an envelope of the exact file bytes to stdout', async () => {
  const r = await cli(['--key', 'key.pem', '--payload-type', TYPE, 'stmt.json']);
  assert.equal(r.code, 0, r.stderr);
  const out = verifyEnvelope(parseEnvelope(r.stdout), [verifier], { payloadType: TYPE });
  assert.deepEqual(out.payload, statement);
  assert.equal(parseEnvelope(r.stdout).signatures[0]!.keyid, verifier.keyid);
});

test('sign --out writes a file; --bundle writes a sigstore bundle v0.3', async () => {
  assert.equal(
    (await cli(['--key', 'key.pem', '--payload-type', TYPE, '--out', 'stmt.dsse.json', 'stmt.json'])).code,
    0,
  );
  verifyEnvelope(parseEnvelope(readFileSync(join(dir, 'stmt.dsse.json'))), [verifier]);
  const b = await cli(['--key', 'key.pem', '--payload-type', TYPE, '--bundle', 'stmt.json']);
  assert.equal(b.code, 0, b.stderr);
  const bundle = JSON.parse(b.stdout);
  assert.equal(bundle.mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
  assert.deepEqual(verifyDsseBundle(bundle, [verifier]).payload, statement);
});

test('sign with a cosign key: COSIGN_PASSWORD, --password-file, or a Chains secret dir', async () => {
  writeFileSync(join(dir, 'cosign.key'), cosignKeyFixture(ec.privateKey, 'pw'));
  writeFileSync(join(dir, 'pw.txt'), 'pw');
  const args = ['--payload-type', 'text/plain', 'stmt.json'];
  assert.equal((await cli(['--key', 'cosign.key', ...args], { COSIGN_PASSWORD: 'pw' })).code, 0);
  assert.equal((await cli(['--key', 'cosign.key', '--password-file', 'pw.txt', ...args])).code, 0);
  mkdirSync(join(dir, 'secret'));
  writeFileSync(join(dir, 'secret/cosign.key'), cosignKeyFixture(ec.privateKey, 'dirpw'));
  writeFileSync(join(dir, 'secret/cosign.password'), 'dirpw');
  const r = await cli(['--key', 'secret', ...args]);
  assert.equal(r.code, 0, r.stderr);
  verifyEnvelope(parseEnvelope(r.stdout), [verifier]);
  const wrong = await cli(['--key', 'cosign.key', ...args], { COSIGN_PASSWORD: 'nope' });
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /wrong password or tampered key file \[WRONG_PASSWORD\]/);
  assert.ok(!wrong.stderr.includes('nope'));
});

test('sign usage errors exit 2 and say what is missing', async () => {
  const cases: [string[], RegExp][] = [
    [['--payload-type', TYPE, 'stmt.json'], /--key is required/],
    [['--key', 'key.pem', 'stmt.json'], /--payload-type is required/],
    [['--key', 'key.pem', '--payload-type', TYPE], /missing FILE/],
    [['--key', 'key.pem', '--payload-type', TYPE, 'absent.json'], /cannot read/],
    [['--key', 'absent.pem', '--payload-type', TYPE, 'stmt.json'], /KEY_NOT_FOUND/],
    [['--key', 'gcpkms://x', '--payload-type', TYPE, 'stmt.json'], /UNKNOWN_KEY_SOURCE/],
  ];
  for (const [argv, message] of cases) {
    const r = await cli(argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.stderr, message);
  }
  assert.match((await cli(['--help'])).stdout, /Examples:/);
});

test('the installed entry point signs when spawned as a process', async () => {
  const { stdout } = await promisify(execFile)(
    'npx',
    [
      'node',
      join(ROOT, 'signer/cli/tkn-provenance.ts'),
      'sign',
      '--key',
      join(dir, 'key.pem'),
      '--payload-type',
      TYPE,
      join(dir, 'stmt.json'),
    ],
    { cwd: ROOT, env: { ...process.env, COSIGN_PASSWORD: '' } },
  );
  assert.deepEqual(verifyEnvelope(parseEnvelope(stdout), [verifier]).payload, statement);
});
