import { Worker } from 'node:worker_threads';
import type { DsseEnvelope } from '../dsse/envelope.ts';
import { ProvenanceError } from '../errors.ts';
import type { LoggedEntry } from './entry.ts';
import type { LogVerifier, TransparencyLog } from './log.ts';
import type { LogJob, LogJobAnswer, LogWorkerData } from './log-worker-thread.ts';

/**
 * A transparency log run in a worker thread: the upload's HTTP exchange and the check of the
 * answer (SET, checkpoint, inclusion proof: about 3 ms of CPU per entry) happen off the event
 * loop that answers the interceptor, so logging event records does not slow the webhook path.
 * Same contract as the plugin it wraps (`transparency.log`), errors with the same codes.
 */
export class WorkerTransparencyLog implements TransparencyLog {
  readonly name: string;
  readonly url: string;
  readonly #data: LogWorkerData;
  #worker: Worker | undefined;
  #next = 1;
  readonly #waiting = new Map<number, { resolve: (e: LoggedEntry) => void; reject: (err: unknown) => void }>();

  constructor(data: LogWorkerData) {
    this.#data = data;
    this.name = data.log;
    this.url = data.url.replace(/\/+$/, '');
  }

  logEnvelope(envelopeText: string, _envelope: DsseEnvelope, verifier: LogVerifier): Promise<LoggedEntry> {
    const id = this.#next++;
    const job: LogJob = {
      id, envelopeText,
      verifier: 'publicKey' in verifier ? { publicKeyPem: verifier.publicKey.export({ type: 'spki', format: 'pem' }) as string } : { certificates: [...verifier.certificates] },
    };
    return new Promise<LoggedEntry>((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#thread().postMessage(job);
    });
  }

  /** Stops the thread; uploads in flight fail (their records stay queued). */
  async close(): Promise<void> {
    const w = this.#worker;
    this.#worker = undefined;
    await w?.terminate();
  }

  #thread(): Worker {
    if (this.#worker) return this.#worker;
    // Sources run as .ts (type stripping), the published build as .js.
    const file = new URL(import.meta.url.endsWith('.ts') ? './log-worker-thread.ts' : './log-worker-thread.js', import.meta.url);
    const w = new Worker(file, { workerData: this.#data });
    w.unref();
    w.on('message', (a: LogJobAnswer) => {
      const waiter = this.#waiting.get(a.id);
      this.#waiting.delete(a.id);
      if (!waiter) return;
      if ('entry' in a) waiter.resolve(a.entry);
      else waiter.reject(new ProvenanceError(a.error.code, a.error.message));
    });
    const gone = (why: string) => {
      if (this.#worker === w) this.#worker = undefined; // the next upload starts a new thread
      for (const [id, waiter] of this.#waiting) {
        this.#waiting.delete(id);
        waiter.reject(new ProvenanceError('TLOG_UNREACHABLE', `the transparency log worker stopped (${why})`));
      }
    };
    w.on('error', (err) => gone(err.message));
    w.on('exit', (code) => gone(`exit ${code}`));
    this.#worker = w;
    return w;
  }
}
