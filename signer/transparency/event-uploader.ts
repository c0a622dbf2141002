import { X509Certificate } from 'node:crypto';
import { serializeEnvelope } from '../dsse/sign.ts';
import type { SignedEventRecord } from '../events/event-record.ts';
import type { PendingUpload, UploadQueue } from '../events/upload-queue.ts';
import type { Signer } from '../keys/signer.ts';
import type { Logger } from '../server/logger.ts';
import { isPermanentTlogError, tlogError } from './errors.ts';
import type { LogVerifier, TransparencyLog } from './log.ts';

export interface EventUploaderOptions {
  queue: UploadQueue;
  log: TransparencyLog;
  logger: Logger;
  /** The process key, for key-signed records (keyless records carry their certificate). */
  key?: Signer;
  /** Records taken per round (default 16); rounds repeat while full, at most `maxRounds` per wake. */
  batch?: number;
  maxRounds?: number;
  /** Attempts per record before it is given up (default 12; each attempt is the transport's 4 requests). */
  maxAttempts?: number;
  /** Delay after a failed attempt: doubles from `backoffMs` (default 2 s) up to `maxBackoffMs` (default 5 min). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Due retries are looked for this often (default 5 s). */
  pollMs?: number;
  now?: () => Date;
}

/**
 * Logs signed event records in the transparency log AFTER the interceptor has been answered:
 * it is woken (setImmediate) once a new record is durable, and works from the store's upload
 * queue, never from memory, so a restart (even kill -9) resumes every pending upload. An
 * upload that reached the log before a crash is not duplicated: the log answers 409 and the
 * existing entry is fetched and checked (rekor-log.ts). Failures back off and are bounded;
 * the entry, once checked (SET, proof), is stored with the record for offline verification.
 */
export class EventUploader {
  readonly #o: EventUploaderOptions;
  #round: Promise<void> | undefined;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(o: EventUploaderOptions) {
    this.#o = o;
  }

  /** Uploads what an earlier process left pending, then polls for due retries. */
  start(): void {
    this.wake();
    this.#timer = setInterval(() => this.wake(), this.#o.pollMs ?? 5_000);
    this.#timer.unref();
  }

  /** A new record is stored: upload it once the current tick (the answer) is done. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#round) {
      this.#again = true;
      return;
    }
    this.#round = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.#work())
      .catch((err: unknown) => this.#o.logger.error('event upload round failed', { code: (err as { code?: string }).code, message: (err as Error).message }))
      .finally(() => {
        this.#round = undefined;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  /** Resolves when no round is running (tests, the bench). */
  async idle(): Promise<void> {
    for (let i = 0; i < 1000 && this.#round; i++) await this.#round;
  }

  /** No new round; waits up to `graceMs` for the one in flight (whatever is not done stays queued). */
  async stop(graceMs = 2_000): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    if (!this.#round) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#round, new Promise<void>((resolve) => { timer = setTimeout(resolve, graceMs); })]);
    clearTimeout(timer);
  }

  async #work(): Promise<void> {
    const batch = this.#o.batch ?? 16;
    for (let round = 0; round < (this.#o.maxRounds ?? 64) && !this.#stopped; round++) {
      const due = await this.#o.queue.due(this.#now(), batch);
      for (const p of due) {
        if (this.#stopped) return;
        await this.#upload(p);
      }
      if (due.length < batch) return;
    }
  }

  async #upload(p: PendingUpload): Promise<void> {
    const r = p.record;
    const attempts = p.attempts + 1;
    try {
      const entry = await this.#o.log.logEnvelope(serializeEnvelope(r.envelope), r.envelope, this.#verifier(r));
      await this.#o.queue.logged(r.eventId, entry);
      this.#o.logger.info('event logged', { eventId: r.eventId, logIndex: entry.entry.logIndex, uuid: entry.uuid });
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'ERROR';
      const message = `${code}: ${(err as Error).message}`;
      const permanent = isPermanentTlogError(err);
      const retryAt = permanent || attempts >= (this.#o.maxAttempts ?? 12) ? undefined : new Date(this.#now().getTime() + this.#backoff(attempts));
      await this.#o.queue.failed(r.eventId, attempts, message, retryAt).catch(() => undefined); // a closed store: still pending
      const fields = { eventId: r.eventId, code, attempt: attempts, message: (err as Error).message.slice(0, 300) };
      if (retryAt) this.#o.logger.warn('event upload failed; retrying', { ...fields, retryAt: retryAt.toISOString() });
      else this.#o.logger.error('event upload failed for good', fields);
    }
  }

  /** What signed the record, as the log records it. */
  #verifier(r: SignedEventRecord): LogVerifier {
    if (r.certificates) {
      const notAfter = new Date(new X509Certificate(r.certificates[0] as string).validTo);
      // Logged after its certificate expired, the signature proves nothing to any verifier.
      if (notAfter <= this.#now()) throw tlogError('TLOG_CERT_EXPIRED', `the record's certificate expired at ${notAfter.toISOString()} before it could be logged`);
      return { certificates: r.certificates };
    }
    const key = this.#o.key;
    if (!key || key.keyid !== r.keyid) {
      throw tlogError('TLOG_KEY_UNKNOWN', `the record is signed by ${r.keyid}; this signer holds ${key?.keyid ?? 'no key'}`);
    }
    return { publicKey: key.publicKey };
  }

  #backoff(attempts: number): number {
    const base = this.#o.backoffMs ?? 2_000;
    return Math.min(base * 2 ** Math.min(attempts - 1, 20), this.#o.maxBackoffMs ?? 300_000);
  }

  #now(): Date {
    return (this.#o.now ?? (() => new Date()))();
  }
}
