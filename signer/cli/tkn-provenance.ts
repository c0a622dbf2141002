#!/usr/bin/env node
// Entry point of the tkn-provenance CLI (also a tkn plugin: tkn finds tkn-provenance on PATH).
import { main } from './main.ts';

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
