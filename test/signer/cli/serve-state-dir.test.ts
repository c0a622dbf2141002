// Issue 14 items 9-10 and issue 10's serve crash: one serve per state dir (the second refuses
// and leaves the first one's socket alone), a busy port, a stale lock, a state dir to create.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { acquireStateLock } from '../../../signer/main/state-lock.ts';
import { FIXTURES } from '../model/fixtures.ts';

const CLI = join(import.meta.dirname, '../../../signer/cli/tkn-provenance.ts');
const dir = mkdtempSync(join(tmpdir(), 'serve-state-'));
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface Serve {
  child: ChildProcess;
  port: number;
  exit: Promise<number | null>;
  err: () => string;
}

/** Starts serve; resolves once it listens, or rejects with what it printed when it exits. */
async function serve(...args: string[]): Promise<Serve> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  for (let i = 0; i < 400; i++) {
    const m = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(out);
    if (m && out.includes('verify-event --key')) return { child, port: Number(m[1]), exit, err: () => err };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await Promise.race([exit, new Promise((r) => setTimeout(r, 5_000))]);
  throw Object.assign(new Error(`serve did not start: ${err}`), { code: child.exitCode, stderr: err });
}

async function refused(...args: string[]): Promise<{ code: number; stderr: string }> {
  const e = (await serve(...args).then(
    () => assert.fail('serve should have refused to start'),
    (err: unknown) => err,
  )) as { code: number; stderr: string };
  return e;
}

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => / error: /.test(l));

test('a second serve on the same state dir refuses, and the first keeps its socket and lock', async () => {
  const state = join(dir, 'shared');
  const first = await serve('--port', '0', '--state-dir', state);
  const sock = join(state, 'signer.sock');
  const before = statSync(sock).ino;
  const second = await refused('--port', '0', '--state-dir', state);
  assert.equal(second.code, 2);
  assert.match(second.stderr, /in use by another tkn-provenance serve \(pid \d+\).*\[STATE_DIR_LOCKED\]/);
  assert.equal(statSync(sock).ino, before, 'the first serve still owns the same socket');
  assert.ok(existsSync(join(state, 'serve.lock')));

  // a busy port: one coded line, exit 2, and its own state dir is left unlocked
  const other = join(dir, 'other');
  const busy = await refused('--port', String(first.port), '--state-dir', other);
  assert.equal(busy.code, 2);
  assert.deepEqual(errorLines(busy.stderr).map((l) => l.replace(/^.* error: /, '')), [
    `127.0.0.1:${first.port} is already in use (another serve?); choose another --port, or --port 0 for a free one [PORT_IN_USE]`,
  ]);
  assert.doesNotMatch(busy.stderr, /^\s+at /m);
  assert.equal(existsSync(join(other, 'serve.lock')), false);

  first.child.kill('SIGTERM');
  assert.equal(await first.exit, 0);
  assert.equal(existsSync(join(state, 'serve.lock')), false, 'released on a clean stop');
});

test('a stale lock (its process is gone) is taken over', async () => {
  const state = join(dir, 'stale');
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const lock = acquireStateLock(state, Number(gone.stdout)); // as a crashed serve left it
  assert.ok(existsSync(lock.path));
  const s = await serve('--port', '0', '--state-dir', state);
  s.child.kill('SIGTERM');
  assert.equal(await s.exit, 0);
});

test('acquireStateLock refuses a live owner and only releases its own file', () => {
  const state = join(dir, 'unit');
  const mine = acquireStateLock(state);
  assert.throws(() => acquireStateLock(state, process.pid + 1_000_000), /STATE|in use/);
  writeFileSync(mine.path, '1\n'); // someone else's now (pid 1 is alive)
  mine.release();
  assert.ok(existsSync(mine.path), 'never deletes a lock it does not own');
  assert.throws(() => acquireStateLock(state), (e: Error & { code?: string }) => e.code === 'STATE_DIR_LOCKED');
});

test('serve --key KEY --state-dir DIR creates DIR (it used to crash with ENOENT)', async () => {
  const state = join(dir, 'not', 'yet', 'there');
  const s = await serve('--port', '0', '--state-dir', state, '--key', `${FIXTURES}keys/attestation-signer.key.pem`);
  assert.ok(existsSync(join(state, 'signing-key-from-ref.pub')));
  s.child.kill('SIGTERM');
  assert.equal(await s.exit, 0);
});
