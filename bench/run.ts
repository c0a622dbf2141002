// `npm run bench`: runs every bench/*.ts (except this runner) one after another, each in its
// own Node process, and prints their reports. A benchmark that crashes makes the run fail;
// slow numbers never do (benchmarks measure and report).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== basename(import.meta.filename))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();
const TIMEOUT_MS = 15 * 60 * 1000;

console.log(`Node ${process.version}: ${files.length} benchmark(s): ${files.join(', ')}`);
const failed: string[] = [];
for (const file of files) {
  console.log(`\n== bench/${file}`);
  const started = Date.now();
  const r = spawnSync(process.execPath, [join(dir, file)], { stdio: 'inherit', timeout: TIMEOUT_MS });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    failed.push(file);
    console.log(
      `-- bench/${file} FAILED (${r.error ? r.error.message : `exit ${r.status ?? r.signal}`}) after ${secs}s`,
    );
  } else {
    console.log(`-- bench/${file} done in ${secs}s`);
  }
}
if (failed.length > 0) {
  console.error(`\n${failed.length} benchmark(s) failed: ${failed.join(', ')}`);
  process.exit(1);
}
