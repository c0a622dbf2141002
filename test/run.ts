// `npm test`: prints the runtime, type-checks, lints, then runs every test file with node:test.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { missingMessage, missingPrograms } from './preflight.ts';

console.log(`Node ${process.version} (${process.execPath})`);

const missing = missingPrograms();
if (missing.length > 0) {
  console.error(missingMessage(missing));
  process.exit(2);
}

function step(label: string, cmd: string, args: string[]): void {
  console.log(`\n== ${label}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`${label} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

const files = process.argv.slice(2);
if (files.length === 0) {
  step('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  step('lint', 'npx', ['eslint', '.']);
}
step('tests', process.execPath, [
  '--test',
  `--test-concurrency=${Math.max(2, availableParallelism())}`,
  '--test-timeout=180000',
  ...(files.length > 0 ? files : ['test/**/*.test.ts']),
]);
