// `npm run release`: a self-contained tarball of the CLI that brings its own Node.js runtime:
//   tkn-provenance-<version>-linux-x64/
//     bin/tkn-provenance   launcher (sh): runs lib/ on runtime/node, whatever node is on PATH
//     runtime/node         the pinned Node 24 (the `node` dev dependency's binary)
//     lib/                 package.json, dist/, production node_modules (npm ci --omit=dev)
// -> release/tkn-provenance-<version>-linux-x64.tar.gz
// Why not a Node single executable (SEA): see docs/install.md ("Why a tarball").
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const target = `${platform()}-${arch()}`;
const name = `tkn-provenance-${pkg.version}-${target}`;
const runtime = join(ROOT, 'node_modules/node/bin/node');
const outDir = resolve(ROOT, process.env.RELEASE_DIR ?? 'release');

function run(cmd: string, args: string[], cwd = ROOT): void {
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
}

const LAUNCHER = `#!/bin/sh
# tkn-provenance launcher: runs the CLI on the Node.js runtime shipped beside it, never the
# node on PATH. Symlink it into PATH or tkn's plugin folder; the links are followed.
self=$(readlink -f -- "$0") || exit 2
root=$(dirname -- "$(dirname -- "$self")")
# tkn runs plugins by the path it found: the CLI reads this to say "tkn provenance" in usage.
TKN_PROVENANCE_LAUNCHED_AS=$0 exec "$root/runtime/node" "$root/lib/dist/signer/cli/tkn-provenance.js" "$@"
`;

if (!existsSync(runtime)) throw new Error(`${runtime} is missing: run npm ci first`);
const version = execFileSync(runtime, ['--version'], { encoding: 'utf8' }).trim();
if (!version.startsWith('v24.')) throw new Error(`${runtime} is ${version}, expected the pinned Node 24`);

const stage = mkdtempSync(join(tmpdir(), 'tkn-provenance-release-'));
try {
  const top = join(stage, name);
  // --no-build: dist/ was just built (the installed-CLI test packs first, which builds).
  if (!process.argv.includes('--no-build')) run('npx', ['tsc', '-p', 'tsconfig.build.json']);
  if (!existsSync(join(ROOT, 'dist/signer/cli/tkn-provenance.js'))) throw new Error('dist/ is not built: run without --no-build');
  mkdirSync(join(top, 'bin'), { recursive: true });
  mkdirSync(join(top, 'runtime'));
  mkdirSync(join(top, 'lib'));
  copyFileSync(runtime, join(top, 'runtime/node'));
  chmodSync(join(top, 'runtime/node'), 0o755);
  for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(ROOT, f), join(top, 'lib', f));
  cpSync(join(ROOT, 'dist'), join(top, 'lib/dist'), { recursive: true });
  // Production dependencies exactly as locked; no install scripts (none are needed at run time).
  run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], join(top, 'lib'));
  writeFileSync(join(top, 'bin/tkn-provenance'), LAUNCHER, { mode: 0o755 });
  writeFileSync(join(top, 'VERSION'), `tkn-provenance ${pkg.version}, Node.js ${version}, ${target}\n`);
  mkdirSync(outDir, { recursive: true });
  const tarball = join(outDir, `${name}.tar.gz`);
  run('tar', ['-czf', tarball, '--owner=0', '--group=0', '-C', stage, name]);
  console.log(tarball);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
