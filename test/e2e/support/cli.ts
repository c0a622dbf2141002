import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `tkn-provenance` as its own process (the Node 24 running the tests), the way an
 * auditor runs it: exit code, stdout and stderr as they are. Bounded by a timeout.
 */
export function runCli(args: readonly string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [`${ROOT}signer/cli/tkn-provenance.ts`, ...args],
      { cwd: opts.cwd ?? ROOT, timeout: opts.timeoutMs ?? 60_000, env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) => {
        const code = err ? (err as { code?: unknown }).code : 0;
        if (typeof code !== 'number') reject(err ?? new Error('tkn-provenance did not exit'));
        else resolve({ code, stdout, stderr });
      },
    );
  });
}
