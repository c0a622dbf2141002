// The CLI as users install it (issue 14 items 8, 15; issue 10 "test what users install"):
// `npm pack` -> `npm install <tgz>` in an empty folder -> every command's --help, version,
// the docs' runnable blocks (README's sign-and-verify flow included) through that bin; then
// the release tarball, unpacked and run with no node on PATH, directly and as `tkn provenance`.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../../signer/cli/commands/index.ts';
import { PACKAGE_VERSION } from '../../signer/package-version.ts';
import { runnableBlocks, type DocBlock } from './support/doc-blocks.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FAKE_TKN_DIR = join(import.meta.dirname, 'support');
const NODE24_DIR = dirname(process.execPath);
const work = mkdtempSync(join(tmpdir(), 'installed-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** The machine's tools without any node: what a user without Node.js has on PATH. */
const TOOLS = ['sh', 'bash', 'readlink', 'dirname', 'curl', 'openssl', 'awk', 'seq', 'sleep', 'cat', 'mktemp', 'perl', 'head', 'grep', 'rm', 'ls'];
function toolsWithoutNode(): string {
  const dir = join(work, 'tools');
  mkdirSync(dir, { recursive: true });
  for (const t of TOOLS) {
    const found = spawnSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).stdout.trim();
    assert.ok(found, `${t} is needed on this machine`);
    if (!existsSync(join(dir, t))) symlinkSync(found, join(dir, t));
  }
  // a `node` that must never run: the release must use its own runtime
  writeFileSync(join(dir, 'node'), '#!/bin/sh\necho "the system node was used" >&2\nexit 99\n', { mode: 0o755 });
  return dir;
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd: opts.cwd ?? work, env: opts.env ?? process.env, encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000 });
}

/**
 * Runs one doc block with bash -eu -o pipefail in its own process group (the README block
 * starts a server in the background; whatever is left is killed), bounded in time.
 */
function runBlock(block: DocBlock, env: NodeJS.ProcessEnv, cwd: string, timeoutMs = 120_000): Promise<{ code: number | null; out: string }> {
  const child = spawn('bash', ['-euo', 'pipefail', '-c', block.code], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const killGroup = () => {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  const timer = setTimeout(killGroup, timeoutMs);
  return new Promise((done) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      killGroup();
      done({ code, out });
    }),
  );
}

function freePort(): number {
  const r = run(process.execPath, ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"]);
  return Number(r.stdout.trim());
}

const DOCS = [join(ROOT, 'README.md'), ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(ROOT, 'docs', f))];
const BLOCKS = DOCS.flatMap((f) => runnableBlocks(f));

let binDir: string;
let npmEnv: NodeJS.ProcessEnv;

describe('the npm package, installed from its tarball into an empty folder', () => {
  before(() => {
    const pack = run('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, timeoutMs: 240_000 });
    assert.equal(pack.status, 0, pack.stderr);
    const tgz = join(work, (JSON.parse(pack.stdout) as Array<{ filename: string }>)[0]?.filename as string);
    const app = join(work, 'app');
    mkdirSync(app);
    const install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tgz], { cwd: app, timeoutMs: 240_000 });
    assert.equal(install.status, 0, install.stderr);
    binDir = join(app, 'node_modules/.bin');
    npmEnv = { ...process.env, PATH: [binDir, NODE24_DIR, process.env.PATH].join(delimiter), NO_COLOR: '1' };
  });

  test('every command --help, version and --version', { timeout: 120_000 }, () => {
    for (const name of Object.keys(COMMANDS)) {
      const r = run('tkn-provenance', [name, '--help'], { env: npmEnv });
      assert.equal(r.status, 0, `${name} --help: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^tkn-provenance ${name}: `));
    }
    for (const arg of ['version', '--version']) {
      const r = run('tkn-provenance', [arg], { env: npmEnv });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, `tkn-provenance ${PACKAGE_VERSION} (Node.js ${process.version})\n`);
    }
  });

  test('on the system Node (older than 24): one line naming what is needed, exit 2', (t) => {
    const system = run('sh', ['-c', 'command -v node'], { env: { PATH: '/usr/local/bin:/usr/bin:/bin' } }).stdout.trim();
    const version = system ? run(system, ['--version']).stdout.trim() : '';
    if (!/^v(1\d|2[0-3])\./.test(version)) return t.skip(`no Node older than 24 on this machine (${system || 'none'} ${version})`);
    const r = run(system, [join(binDir, 'tkn-provenance'), 'attest', '--help']);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^tkn-provenance: needs Node\.js 24 or newer, but .* is v\d+\.\d+\.\d+ \[NODE_TOO_OLD\]; install Node\.js 24 .*\n$/);
  });

  test('as a tkn plugin found on PATH: `tkn provenance ...`, usage text says so', () => {
    const env = { ...npmEnv, PATH: [FAKE_TKN_DIR, npmEnv.PATH].join(delimiter), HOME: join(work, 'home-npm') };
    const version = run('bash', ['-c', 'tkn provenance version'], { env });
    assert.equal(version.status, 0, version.stderr);
    assert.equal(version.stdout, `tkn provenance ${PACKAGE_VERSION} (Node.js ${process.version})\n`);
    const typo = run('bash', ['-c', 'tkn provenance verify --polcy p.yaml'], { env });
    assert.equal(typo.status, 2);
    assert.match(typo.stderr, /^tkn provenance verify: error: unknown flag --polcy; did you mean --policy\? \[USAGE\]\nRun "tkn provenance verify --help" for usage\.\n$/);
  });

  test('docs: README.md and docs/*.md have runnable blocks (the README Try-it, cli.md offline examples)', () => {
    const files = new Set(BLOCKS.map((b) => b.file.slice(ROOT.length)));
    assert.ok(files.has('README.md') && files.has('docs/cli.md'), [...files].join(', '));
  });

  for (const block of BLOCKS) {
    test(`docs: ${block.file.slice(ROOT.length)}:${block.line} runs as written (installed bin)`, { timeout: 180_000 }, async () => {
      const before = run('git', ['status', '--porcelain'], { cwd: ROOT }).stdout;
      const scratch = mkdtempSync(join(work, 'block-'));
      // The README block makes its own scratch folder from the repo root: TMPDIR keeps it here.
      const cwd = block.file.endsWith('README.md') ? ROOT : scratch;
      const r = await runBlock(block, { ...npmEnv, TMPDIR: scratch, PORT: String(freePort()) }, cwd);
      assert.equal(r.code, 0, r.out);
      if (block.file.endsWith('README.md') && /verify-event/.test(block.code)) assert.match(r.out, /^VERIFIED: event 0b5a7f2e-/m);
      assert.equal(run('git', ['status', '--porcelain'], { cwd: ROOT }).stdout, before, 'nothing left in the repo');
    });
  }
});

describe('the release tarball: its own Node.js runtime, no node on PATH', () => {
  let root: string;
  let env: NodeJS.ProcessEnv;
  before(() => {
    const out = join(work, 'release');
    const r = run('npm', ['run', 'release', '--', '--no-build'], { cwd: ROOT, env: { ...process.env, RELEASE_DIR: out }, timeoutMs: 300_000 });
    assert.equal(r.status, 0, r.stderr);
    const tarball = join(out, `tkn-provenance-${PACKAGE_VERSION}-linux-x64.tar.gz`);
    assert.ok(existsSync(tarball), r.stdout);
    const unpacked = join(work, 'unpacked');
    mkdirSync(unpacked);
    assert.equal(run('tar', ['-xzf', tarball, '-C', unpacked]).status, 0);
    root = join(unpacked, `tkn-provenance-${PACKAGE_VERSION}-linux-x64`);
    const bin = join(work, 'user-bin');
    mkdirSync(bin);
    symlinkSync(join(root, 'bin/tkn-provenance'), join(bin, 'tkn-provenance')); // as docs/install.md says
    env = { PATH: [bin, toolsWithoutNode()].join(delimiter), HOME: join(work, 'home'), NO_COLOR: '1' };
  });

  test('version through a link on PATH: the bundled Node 24, never the node on PATH', { timeout: 120_000 }, () => {
    const r = run('sh', ['-c', 'tkn-provenance version && tkn-provenance verify --help >/dev/null && node --version'], { env });
    assert.match(r.stdout, new RegExp(`^tkn-provenance ${PACKAGE_VERSION} \\(Node\\.js v24\\.\\d+\\.\\d+\\)\\n$`));
    assert.equal(r.status, 99, 'the only node on PATH is the one that fails');
    assert.match(r.stderr, /the system node was used/);
  });

  test("README's sign-and-verify block through the release", { timeout: 180_000 }, async () => {
    const block = BLOCKS.find((b) => b.file.endsWith('README.md') && /verify-event/.test(b.code)) as DocBlock;
    const scratch = mkdtempSync(join(work, 'release-block-'));
    const r = await runBlock(block, { ...env, TMPDIR: scratch, PORT: String(freePort()) }, scratch);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^VERIFIED: event 0b5a7f2e-/m);
  });

  test("as a tkn plugin in tkn's plugin folder: `tkn provenance ...`", () => {
    const plugins = join(work, 'home/.config/tkn/plugins');
    mkdirSync(plugins, { recursive: true });
    symlinkSync(join(root, 'bin/tkn-provenance'), join(plugins, 'tkn-provenance'));
    const pluginEnv = { ...env, PATH: [FAKE_TKN_DIR, ...(env.PATH as string).split(delimiter).slice(1)].join(delimiter) };
    assert.notEqual(run('sh', ['-c', 'command -v tkn-provenance'], { env: pluginEnv }).status, 0, 'not on PATH: only in the plugin folder');
    const r = run('bash', ['-c', 'tkn provenance version && tkn provenance attest --help | head -1'], { env: pluginEnv });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^tkn provenance ${PACKAGE_VERSION} \\(Node\\.js v24\\.[\\d.]+\\)\\ntkn provenance attest: `));
  });
});
