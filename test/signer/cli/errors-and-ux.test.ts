// Issue 14 items 9, 11, 14 and the record-shape fix of issue 10: what a user sees when
// something is wrong, and the small affordances (version, suggestions, plugin name, colour).
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { main } from '../../../signer/cli/main.ts';
import { paintFor } from '../../../signer/cli/colour.ts';
import { oldNodeMessage } from '../../../signer/cli/node-version.ts';
import { programName, tknPluginDir } from '../../../signer/cli/program-name.ts';
import { closest } from '../../../signer/cli/suggest.ts';
import { PACKAGE_VERSION } from '../../../signer/package-version.ts';
import { INTERCEPTOR_VERSION } from '../../../interceptor/version.ts';
import { cli, writeAttestationFiles, type AttestationFiles } from './attestation-files.ts';
import { FIXTURES } from '../model/fixtures.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const F = (rel: string): string => `${FIXTURES}${rel}`;
let f: AttestationFiles;
before(async () => {
  f = await writeAttestationFiles();
});
after(() => rmSync(f.dir, { recursive: true, force: true }));

/** One line, coded, no stack frame: what every error must look like. */
function assertOneCodedLine(stderr: string, code: string): void {
  const lines = stderr.trimEnd().split('\n').filter((l) => !l.startsWith('Run "'));
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0] as string, new RegExp(`\\[${code}\\]$`));
  assert.doesNotMatch(stderr, /^\s+at /m);
}

describe('errors: one line, coded, exit 2 (exit 1 stays "a check failed")', () => {
  test('verify --policy missing.yaml', async () => {
    const r = await cli(['verify', '--key', f.publicKey, '--policy', 'missing.yaml', '--attestation', f.inToto], f.dir);
    assert.equal(r.code, 2);
    assertOneCodedLine(r.stderr, 'USAGE');
    assert.match(r.stderr, /--policy .*missing\.yaml: no such file/);
  });

  test('attest --out nodir/x and sign --out nodir/y', async () => {
    const attest = await cli(
      ['attest', '--pipelinerun', F('chains-pipeline/pipelinerun.json'), '--taskruns', F('chains-pipeline/taskruns.json'), '--key', F('keys/attestation-signer.key.pem'), '--out', 'nodir/x'],
      f.dir,
    );
    assert.equal(attest.code, 2, attest.stderr);
    assertOneCodedLine(attest.stderr, 'USAGE');
    assert.match(attest.stderr, /--out .*nodir\/x: cannot write: no such directory .*nodir \[USAGE\]/);
    const sign = await cli(['sign', '--key', F('keys/attestation-signer.key.pem'), '--payload-type', 'text/plain', '--out', 'nodir/y', f.policy], f.dir);
    assert.equal(sign.code, 2, sign.stderr);
    assertOneCodedLine(sign.stderr, 'USAGE');
  });

  test('an unexpected error is still one coded line (system errors keep their code)', async () => {
    // a directory where a file is expected: EISDIR from deep inside a loader
    const r = await cli(['verify', '--key', f.publicKey, '--policy', f.dir, '--attestation', f.inToto], f.dir);
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
    assert.equal(r.stderr.trim().split('\n').filter((l) => !l.startsWith('Run "')).length, 1, r.stderr);
  });

  test('a failed check is exit 1, not an error', async () => {
    const r = await cli(['verify', '--key', f.publicKey, '--attestation', f.tampered], f.dir);
    assert.equal(r.code, 1);
  });
});

describe('flags, commands, version', () => {
  test('--polcy suggests --policy; a typo of a command suggests the command', async () => {
    const flag = await cli(['verify', '--polcy', 'p.yaml'], f.dir);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /unknown flag --polcy; did you mean --policy\? \[USAGE\]/);
    const cmd = await cli(['verfy'], f.dir);
    assert.equal(cmd.code, 2);
    assert.match(cmd.stderr, /unknown command "verfy"; did you mean "verify"\?/);
    assert.equal(closest('--zzzzzz', ['--policy', '--key']), undefined, 'nothing close: no guess');
  });

  test('version and --version print the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(PACKAGE_VERSION, pkg.version);
    assert.equal(INTERCEPTOR_VERSION, pkg.version);
    for (const argv of [['version'], ['--version']]) {
      const r = await cli(argv, f.dir);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, `tkn-provenance ${pkg.version} (Node.js ${process.version})\n`);
    }
    const json = await cli(['version', '--json'], f.dir);
    assert.deepEqual(JSON.parse(json.stdout), { version: pkg.version, node: process.version });
  });

  test('usage errors under --json print a JSON error object on stdout', async () => {
    const r = await cli(['verify', '--key', f.publicKey, '--json'], f.dir);
    assert.equal(r.code, 2);
    assert.deepEqual(JSON.parse(r.stdout), {
      error: { code: 'USAGE', message: 'give exactly one of --attestation, --image, --pipelinerun', exit: 2 },
    });
  });

  test('an old Node gets one line naming the Node needed and how to get it', () => {
    assert.equal(oldNodeMessage('v24.0.0', '/x/node'), undefined);
    assert.equal(oldNodeMessage('v25.1.0', '/x/node'), undefined);
    const msg = oldNodeMessage('v20.20.2', '/usr/bin/node') as string;
    assert.match(msg, /^tkn-provenance: needs Node\.js 24 or newer, but \/usr\/bin\/node is v20\.20\.2 \[NODE_TOO_OLD\]; .*nodejs\.org.*release tarball/);
    assert.equal(msg.trimEnd().split('\n').length, 1);
  });
});

describe('as a tkn plugin, and colours', () => {
  test('tkn execs plugins with its environment: `_` names tkn, or the plugin sits in its plugin folder', () => {
    assert.equal(programName({ _: '/usr/local/bin/tkn' }, '/usr/local/bin/tkn-provenance'), 'tkn provenance');
    assert.equal(programName({ _: '/usr/local/bin/tkn-provenance' }, '/usr/local/bin/tkn-provenance'), 'tkn-provenance');
    assert.equal(programName({ HOME: '/home/u' }, '/home/u/.config/tkn/plugins/tkn-provenance'), 'tkn provenance');
    assert.equal(tknPluginDir({ XDG_CONFIG_HOME: '/c' }), '/c/tkn/plugins');
    assert.equal(tknPluginDir({ TKN_PLUGINS_DIR: '/p', XDG_CONFIG_HOME: '/c' }), '/p');
  });

  test('usage text says `tkn provenance` when run as a plugin', async () => {
    const chunks: string[] = [];
    const out = { write: (c: string) => (chunks.push(c), true) } as unknown as NodeJS.WritableStream;
    assert.equal(await main(['verify', '--help'], { stdout: out, stderr: out, env: {}, cwd: f.dir, program: 'tkn provenance' }), 0);
    assert.match(chunks.join(''), /^tkn provenance verify: /);
    assert.doesNotMatch(chunks.join(''), /tkn-provenance /);
    chunks.length = 0;
    await main(['verify', '--polcy'], { stdout: out, stderr: out, env: {}, cwd: f.dir, program: 'tkn provenance' });
    assert.match(chunks.join(''), /^tkn provenance verify: error: /);
  });

  test('colour on a terminal; off with NO_COLOR or without a terminal', () => {
    assert.equal(paintFor({ isTTY: true }, {}).fail('FAIL'), '\u001b[31mFAIL\u001b[0m');
    assert.equal(paintFor({ isTTY: true }, { NO_COLOR: '1' }).fail('FAIL'), 'FAIL');
    assert.equal(paintFor({ isTTY: false }, {}).pass('PASS'), 'PASS');
    assert.equal(paintFor({ isTTY: true }, { TERM: 'dumb' }).pass('PASS'), 'PASS');
  });
});

describe('--json and the progress bar (item 14)', () => {
  test('--json never draws the progress bar, even on a terminal', async () => {
    const r = await cli(['verify', '--key', f.publicKey, '--attestation', f.attestations, '--json'], f.dir, { tty: true });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, '');
    assert.equal((JSON.parse(r.stdout) as { total: number }).total, 3);
  });
});

describe('event record files in both shapes (issue 10)', () => {
  test('attest --event takes the bare record and the GET /v1/events/<id> answer alike', async () => {
    const bare = readFileSync(F('events/push-event-record.json'), 'utf8');
    const wrapped = join(f.dir, 'wrapped-record.json');
    writeFileSync(wrapped, `{"record":${bare}}`);
    const states: string[] = [];
    for (const event of [F('events/push-event-record.json'), wrapped]) {
      const r = await cli(
        ['attest', '--pipelinerun', F('chains-pipeline/pipelinerun.json'), '--taskruns', F('chains-pipeline/taskruns.json'), '--event', event, '--key', F('keys/attestation-signer.key.pem'), '--json'],
        f.dir,
      );
      assert.equal(r.code, 0, r.stderr);
      states.push((JSON.parse(r.stdout) as { event: { state: string } }).event.state);
    }
    assert.deepEqual(states, ['found', 'found']);
  });
});

describe('docs and help agree with what serve does (item 15)', () => {
  test('verify-event --help names the public key file serve writes', async () => {
    const { ensureDevKey } = await import('../../../signer/main/dev-key.ts');
    const written = ensureDevKey(join(f.dir, 'state')).publicKeyPath.slice(join(f.dir, 'state').length + 1);
    const r = await cli(['verify-event', '--help'], f.dir);
    assert.match(r.stdout, new RegExp(`\\.state/${written.replace('.', '\\.')}`));
    assert.doesNotMatch(r.stdout, /signing\.pub/);
  });

  test("docs/cli.md never reuses the README's event ids (another body under one id is EVENT_CONFLICT)", () => {
    const ids = (text: string) => new Set(text.match(/"event_id": ?"([0-9a-f-]{36})"/g)?.map((m) => m.slice(-37, -1)));
    const readme = ids(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    const cliDoc = ids(readFileSync(join(ROOT, 'docs/cli.md'), 'utf8'));
    assert.ok(readme.size > 0 && cliDoc.size > 0);
    for (const id of cliDoc) assert.ok(!readme.has(id), `${id} is in both`);
  });
});
