import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setPriority } from 'node:os';
import type { DsseEnvelope } from '../dsse/envelope.ts';
import { ProvenanceError } from '../errors.ts';
import type { LoggedEntry } from './entry.ts';
import type { LogVerifier, TransparencyLog } from './log.ts';
import type { LogJob, LogJobAnswer, LogWorkerData } from './log-worker-thread.ts';

/**
 * The helper's nice value: 10 weighs it at about a tenth of the signer under CPU contention, so
 * webhooks come first, yet a saturated node cannot starve uploads (19 would: a keyless record
 * must be logged before its certificate expires).
 */
const HELPER_NICE = 10;

/**
 * A transparency log run in a helper process at a low CPU priority (nice 10, all its threads,
 * GC included): the upload's HTTP exchange and the check of the answer (SET,
 * checkpoint, inclusion proof: about 3 ms of CPU per entry) happen off the event loop that
 * answers the interceptor and yield to it under contention. (A worker thread was measured
 * first: its garbage is collected by the process's shared GC threads at normal priority, and
 * the answer's p90 rose with it; bench/event-transparency.ts.) Same contract as the plugin it
 * wraps (`transparency.log`), errors with the same codes; the helper is started on first use
 * and again after it died.
 */
export class WorkerTransparencyLog implements TransparencyLog {
  readonly name: string;
  readonly url: string;
  readonly #data: LogWorkerData;
  #worker: ChildProcess | undefined;
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
      this.#thread().send(job);
    });
  }

  /** Stops the thread; uploads in flight fail (their records stay queued). */
  async close(): Promise<void> {
    const w = this.#worker;
    this.#worker = undefined;
    if (w && w.exitCode === null) {
      const exited = new Promise((r) => w.once('exit', r));
      w.kill('SIGTERM');
      await exited;
    }
  }

  #thread(): ChildProcess {
    if (this.#worker) return this.#worker;
    // Sources run as .ts (type stripping), the published build as .js.
    const file = new URL(import.meta.url.endsWith('.ts') ? './log-worker-thread.ts' : './log-worker-thread.js', import.meta.url);
    // `nice -n` before exec: every thread of the helper (its GC threads too) has the low
    // priority; without a nice binary, the helper's main thread is reniced after the start.
    const args = [process.execPath, file.pathname, JSON.stringify(this.#data)];
    const nice = ['/usr/bin/nice', '/bin/nice'].find((p) => existsSync(p));
    const w = spawn(nice ?? (args.shift() as string), nice ? ['-n', String(HELPER_NICE), ...args] : args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    if (!nice && w.pid !== undefined) {
      try {
        setPriority(w.pid, HELPER_NICE);
      } catch {
        // best effort: still off the webhook loop
      }
    }
    w.unref();
    w.channel?.unref();
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
    w.on('error', (err: Error) => gone(err.message));
    w.on('exit', (code: number | null) => gone(`exit ${code}`));
    this.#worker = w;
    return w;
  }
}
