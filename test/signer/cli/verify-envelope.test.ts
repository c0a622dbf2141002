import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliRun } from './run-cli.ts';
import { LocalSigner } from '../../../signer/keys/local.ts';
import { serializeEnvelope, signEnvelope } from '../../../signer/dsse/sign.ts';
import { createDsseBundle } from '../../../signer/bundle/create.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const TYPE = 'application/vnd.in-toto+json';
const body = Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}');
const a = new LocalSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
const b = new LocalSigner(generateKeyPairSync('ed25519').privateKey);
const stranger = new LocalSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
let dir: string;

const pub = (s: LocalSigner): string => s.publicKey.export({ type: 'spki', format: 'pem' }) as string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-verify-env-'));
  writeFileSync(join(dir, 'a.pub'), pub(a));
  writeFileSync(join(dir, 'b.pub'), pub(b));
  writeFileSync(join(dir, 'stranger.pub'), pub(stranger));
  mkdirSync(join(dir, 'trust'));
  writeFileSync(join(dir, 'trust/old.pub'), pub(stranger));
  writeFileSync(join(dir, 'trust/new.pub'), pub(a));
  const env = await signEnvelope(TYPE, body, [a]);
  writeFileSync(join(dir, 'env.json'), serializeEnvelope(env));
  writeFileSync(join(dir, 'both.json'), serializeEnvelope(await signEnvelope(TYPE, body, [a, b])));
  writeFileSync(join(dir, 'bundle.json'), JSON.stringify(await createDsseBundle(TYPE, body, a)));
  writeFileSync(
    join(dir, 'tampered.json'),
    serializeEnvelope({ ...env, payload: Buffer.from('{}').toString('base64') }),
  );
  writeFileSync(join(dir, 'truncated.json'), serializeEnvelope(env).slice(0, 50));
  writeFileSync(join(dir, 'badb64.json'), serializeEnvelope({ ...env, payload: 'e30' }));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const cli = (argv: string[]): Promise<CliRun> => runCli(['verify-envelope', ...argv], { cwd: dir });

test('a valid envelope: exit 0 and a one-line verdict naming the keyid', async () => {
  const r = await cli(['--key', 'a.pub', '--payload-type', TYPE, 'env.json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout.split('\n').length, 2);
  assert.match(
    r.stdout,
    new RegExp(
      `^VALID .*env\\.json: ${TYPE.replace(/[.+]/g, '\\$&')} payload .* signed by ${a.keyid.replace(/[+/]/g, '.')}\\n$`,
    ),
  );
});

test('--json reports machine-readable results, valid or not', async () => {
  const ok = JSON.parse((await cli(['--key', 'a.pub', '--json', 'env.json'])).stdout);
  assert.deepEqual(Object.keys(ok), ['valid', 'format', 'payloadType', 'keyids', 'payloadSha256']);
  assert.equal(ok.valid, true);
  assert.equal(ok.format, 'dsse');
  const bad = await cli(['--key', 'a.pub', '--json', 'tampered.json']);
  assert.equal(bad.code, 1);
  assert.deepEqual(JSON.parse(bad.stdout), {
    valid: false,
    code: 'BAD_SIGNATURE',
    error: JSON.parse(bad.stdout).error,
  });
});

test('every kind of invalid file exits 1 with its reason', async () => {
  const cases: [string[], string][] = [
    [['--key', 'a.pub', 'tampered.json'], 'BAD_SIGNATURE'],
    [['--key', 'a.pub', '--payload-type', 'text/plain', 'env.json'], 'WRONG_PAYLOAD_TYPE'],
    [['--key', 'stranger.pub', 'env.json'], 'UNKNOWN_KEY'],
    [['--key', 'a.pub', 'truncated.json'], 'TRUNCATED_JSON'],
    [['--key', 'a.pub', 'badb64.json'], 'MALFORMED_BASE64'],
    [['--key', 'stranger.pub', 'bundle.json'], 'UNKNOWN_KEY'],
  ];
  for (const [argv, code] of cases) {
    const r = await cli(argv);
    assert.equal(r.code, 1, argv.join(' '));
    assert.match(r.stdout, new RegExp(`^INVALID .*\\[${code}\\]\\n$`));
  }
});

test('rotation and thresholds: several --key flags or a key directory; --threshold counts distinct keys', async () => {
  assert.equal((await cli(['--key', 'stranger.pub', '--key', 'a.pub', 'env.json'])).code, 0);
  assert.equal((await cli(['--key', 'trust', 'env.json'])).code, 0);
  assert.equal((await cli(['--key', 'a.pub', '--key', 'b.pub', '--threshold', '2', 'both.json'])).code, 0);
  assert.equal((await cli(['--key', 'a.pub', '--key', 'b.pub', '--threshold', '2', 'env.json'])).code, 1);
  assert.equal(
    (await cli(['--key', 'a.pub', '--threshold', '2', 'both.json'])).code,
    2,
    'more than the trusted keys',
  );
});

test('a sigstore bundle is accepted too', async () => {
  const r = await cli(['--key', 'a.pub', '--json', 'bundle.json']);
  assert.equal(r.code, 0, r.stdout);
  assert.equal(JSON.parse(r.stdout).format, 'sigstore-bundle');
});

test('usage errors exit 2', async () => {
  for (const argv of [
    ['env.json'],
    ['--key', 'a.pub'],
    ['--key', 'missing.pub', 'env.json'],
    ['--key', 'a.pub', 'absent.json'],
    ['--key', 'a.pub', '--threshold', '0', 'env.json'],
    ['--nope'],
  ]) {
    assert.equal((await cli(argv)).code, 2, argv.join(' '));
  }
  assert.match((await cli(['--help'])).stdout, /Examples:\n\s+tkn-provenance verify-envelope/);
});

test('spawned as a process: exit codes 0 and 1 reach the shell', async () => {
  const run = (file: string) =>
    new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        'npx',
        [
          'node',
          join(ROOT, 'signer/cli/tkn-provenance.ts'),
          'verify-envelope',
          '--key',
          join(dir, 'a.pub'),
          join(dir, file),
        ],
        { cwd: ROOT },
        (err, stdout) => resolve({ code: err ? Number((err as { code?: number }).code) : 0, stdout }),
      );
    });
  const ok = await run('env.json');
  assert.equal(ok.code, 0);
  assert.match(ok.stdout, /^VALID /);
  const bad = await run('tampered.json');
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /^INVALID .*BAD_SIGNATURE/);
});
