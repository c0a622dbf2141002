// The helper process of log-worker.ts (started at nice 10): one transparency log plugin, one
// upload per IPC message; it exits when the signer goes away.
import { createPublicKey } from 'node:crypto';
import { parseEnvelope } from '../dsse/parse.ts';
import type { LoggedEntry } from './entry.ts';
import { transparencyLogs } from './registry.ts';
import { readTrustedRoot } from './trusted-root.ts';

export interface LogWorkerData {
  /** `transparency.log`, `transparency.url`, `transparency.trusted-root`. */
  log: string;
  url: string;
  trustedRootPath?: string;
}

export interface LogJob {
  id: number;
  envelopeText: string;
  verifier: { publicKeyPem: string } | { certificates: string[] };
}

export type LogJobAnswer = { id: number; entry: LoggedEntry } | { id: number; error: { code: string; message: string } };

if (process.send && process.argv[2]) {
  const port = { postMessage: (m: LogJobAnswer) => process.send?.(m) };
  const data = JSON.parse(process.argv[2]) as LogWorkerData;
  process.on('disconnect', () => process.exit(0)); // the signer is gone
  const trustedRoot = data.trustedRootPath ? await readTrustedRoot(data.trustedRootPath) : undefined;
  const log = transparencyLogs.get(data.log)({ url: data.url, ...(trustedRoot ? { trustedRoot } : {}) });
  process.on('message', (job: LogJob) => {
    const verifier = 'publicKeyPem' in job.verifier ? { publicKey: createPublicKey(job.verifier.publicKeyPem) } : { certificates: job.verifier.certificates };
    log.logEnvelope(job.envelopeText, parseEnvelope(job.envelopeText), verifier).then(
      (entry) => port.postMessage({ id: job.id, entry } satisfies LogJobAnswer),
      (err: unknown) => port.postMessage({ id: job.id, error: { code: (err as { code?: string }).code ?? 'TLOG_BAD_RESPONSE', message: (err as Error).message } } satisfies LogJobAnswer),
    );
  });
}
