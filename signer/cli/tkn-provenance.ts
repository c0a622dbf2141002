#!/usr/bin/env node
// Entry point of the tkn-provenance CLI (also a tkn plugin: tkn finds tkn-provenance on PATH).
// Only the version check is imported statically: on an old Node the rest would not load.
import { oldNodeMessage } from './node-version.ts';

const tooOld = oldNodeMessage(process.version, process.execPath);
if (tooOld) {
  process.stderr.write(tooOld);
  process.exit(2);
}
const { runCli } = await import('./main.ts');
process.exitCode = await runCli(process.argv.slice(2));
