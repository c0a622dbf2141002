// Not a benchmark (`npm run bench` runs bench/*.ts only): where the interceptor's and the
// signer's CPU goes. Starts the bench's real servers (signer + interceptor, or any roles of
// bench/interceptor/servers.ts) under --cpu-prof, drives the same closed-loop load as
// bench/interceptor.ts for a few seconds, and prints each process's top
// functions by self and inclusive time (wall-clock samples, startup included: read the shape,
// not the absolute numbers). Bounded; profiles are kept under --out for Chrome DevTools.
//   npx node bench/tools/profile-interceptor.ts [--bytes 2048] [--roles signer,interceptor]
//     [--seconds 6] [--out /tmp/tp-profile] [--top 30] [--memstore]
import { fork, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { LoadResult } from '../interceptor/loadgen.ts';

const { values: args } = parseArgs({
  options: {
    bytes: { type: 'string', default: '2048' },
    roles: { type: 'string', default: 'signer,interceptor' },
    seconds: { type: 'string', default: '6' },
    out: { type: 'string', default: join(tmpdir(), 'tp-profile') },
    top: { type: 'string', default: '30' },
    memstore: { type: 'boolean', default: false },
  },
});

const keyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const work = mkdtempSync(join(tmpdir(), 'tp-profile-run-'));
const env = {
  ...process.env,
  BENCH_KEY_PEM: keyPem,
  BENCH_DIR: work,
  BENCH_SOCKET: join(work, 'signer.sock'),
  ...(args.memstore ? { BENCH_STORE: 'memory' } : {}),
};
rmSync(args.out, { recursive: true, force: true });

const message = <T>(child: ChildProcess, type: string) =>
  new Promise<T>((resolve) => {
    const on = (msg: { type?: string }) => {
      if (msg.type !== type) return;
      child.off('message', on);
      resolve(msg as T);
    };
    child.on('message', on);
  });

const children: [string, ChildProcess][] = [];
let target: { url: string; ca?: string } = { url: '' };
for (const role of args.roles.split(',')) {
  const dir = join(args.out, role);
  mkdirSync(dir, { recursive: true });
  const child = fork(new URL('../interceptor/servers.ts', import.meta.url), [role], { env, execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
  children.push([role, child]);
  target = await message<{ url: string; ca?: string }>(child, 'ready');
}

const loadgen = fork(new URL('../interceptor/loadgen.ts', import.meta.url));
loadgen.send({ url: target.url, ca: target.ca, bodyBytes: Number(args.bytes), mode: 'closed', concurrency: 16, rate: 500, durationMs: Number(args.seconds) * 1000, tag: 'profile' });
const result = await new Promise<LoadResult>((resolve) => loadgen.once('message', (m) => resolve(m as LoadResult)));
loadgen.kill();
for (const [, child] of children.reverse()) {
  child.send({ type: 'stop' });
  await new Promise((r) => child.once('exit', r)); // the profile is written on exit
}
rmSync(work, { recursive: true, force: true });
console.log(`${result.completed} events answered (${result.failed} failed) in ${args.seconds}s, ${args.bytes} B bodies; profiles in ${args.out}`);

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

/** Self and inclusive time per function (recursion counted once per sample). */
function summarise(profile: Profile, top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    self.set(label(byId.get(id)!), (self.get(label(byId.get(id)!)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const key = label(byId.get(cur)!);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
    }
  });
  const list = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, t]) => `  ${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`).join('\n');
  return `self:\n${list(self)}\ninclusive:\n${list(inclusive)}`;
}

for (const [role] of children.reverse()) {
  const dir = join(args.out, role);
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) continue;
  console.log(`\n=== ${role} ===\n${summarise(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile, Number(args.top))}`);
}
