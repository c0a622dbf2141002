import { Writable } from 'node:stream';
import { main } from '../../../signer/cli/main.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Collects what is written to it (bytes kept whole, so multi-byte text is never split). */
export function textSink(): Writable & { text: () => string } {
  const chunks: Buffer[] = [];
  const sink = new Writable({ write: (c, _e, cb) => (chunks.push(Buffer.from(c)), cb()) });
  return Object.assign(sink, { text: () => Buffer.concat(chunks).toString() });
}

/** tkn-provenance's main in this process, as a test calls it: both streams captured, no TTY. */
export async function runCli(argv: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CliRun> {
  const stdout = textSink();
  const stderr = textSink();
  const code = await main(argv, { stdout, stderr, env: opts.env ?? {}, cwd: opts.cwd });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
