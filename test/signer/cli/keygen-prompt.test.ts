// Issue 14 item 15: `keygen --cosign` without COSIGN_PASSWORD asks on the terminal, twice,
// without echo (as cosign generate-key-pair does), and says so clearly without a terminal.
// The terminal is a real pseudo-terminal from util-linux `script`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openCosignKeyIndependently } from '../keys/cosign-fixture.ts';
import { cli } from './attestation-files.ts';

const CLI = join(import.meta.dirname, '../../../signer/cli/tkn-provenance.ts');
const dir = mkdtempSync(join(tmpdir(), 'keygen-prompt-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs keygen on a pty; types each answer once its prompt shows. Bounded by 60 s. */
function onTerminal(out: string, answers: string[]): Promise<{ code: number | null; screen: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.COSIGN_PASSWORD;
  const command = `'${process.execPath}' '${CLI}' keygen --cosign --out '${out}'`;
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let asked = 0;
  child.stdout.on('data', (c: Buffer) => {
    screen += c.toString();
    const prompts = screen.split('Enter password for private key').length - 1;
    while (asked < prompts && asked < answers.length) child.stdin.write(`${answers[asked++]}\r`);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((done) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, screen });
    }),
  );
}

test('on a terminal: asked twice, nothing echoed, the key opens with what was typed', async () => {
  const r = await onTerminal('keys', ['typed-secret-42', 'typed-secret-42']);
  assert.equal(r.code, 0, r.screen);
  assert.match(r.screen, /Enter password for private key: [\s\S]*Enter password for private key again: /);
  assert.ok(!r.screen.includes('typed-secret-42'), `the password is not echoed:\n${r.screen}`);
  assert.ok(openCosignKeyIndependently(readFileSync(join(dir, 'keys/cosign.key'), 'utf8'), 'typed-secret-42'));
});

test('on a terminal: two different answers are refused (exit 2)', async () => {
  const r = await onTerminal('mismatch', ['one-password', 'another-one']);
  assert.equal(r.code, 2, r.screen);
  assert.match(r.screen, /passwords do not match \[USAGE\]/);
});

test('no terminal and no COSIGN_PASSWORD: a clear usage error', async () => {
  const r = await cli(['keygen', '--cosign', '--out', 'none'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /set COSIGN_PASSWORD, or run on a terminal to be asked for it \[USAGE\]/);
});
