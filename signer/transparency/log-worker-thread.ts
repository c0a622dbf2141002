// The worker thread of log-worker.ts: one transparency log plugin, one upload per message.
import { createPublicKey } from 'node:crypto';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
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

if (parentPort) {
  const port = parentPort;
  // Lowest CPU priority for this thread (Linux nice values are per thread): under contention the
  // loop answering webhooks runs first, and uploads take the idle time. Best effort elsewhere.
  try {
    setPriority(19);
  } catch {
    // not permitted or not supported: uploads still run off the webhook loop
  }
  const data = workerData as LogWorkerData;
  const trustedRoot = data.trustedRootPath ? await readTrustedRoot(data.trustedRootPath) : undefined;
  const log = transparencyLogs.get(data.log)({ url: data.url, ...(trustedRoot ? { trustedRoot } : {}) });
  port.on('message', (job: LogJob) => {
    const verifier = 'publicKeyPem' in job.verifier ? { publicKey: createPublicKey(job.verifier.publicKeyPem) } : { certificates: job.verifier.certificates };
    log.logEnvelope(job.envelopeText, parseEnvelope(job.envelopeText), verifier).then(
      (entry) => port.postMessage({ id: job.id, entry } satisfies LogJobAnswer),
      (err: unknown) => port.postMessage({ id: job.id, error: { code: (err as { code?: string }).code ?? 'TLOG_BAD_RESPONSE', message: (err as Error).message } } satisfies LogJobAnswer),
    );
  });
}
