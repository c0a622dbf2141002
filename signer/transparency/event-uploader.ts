import { X509Certificate } from 'node:crypto';
import { serializeEnvelope } from '../dsse/sign.ts';
import type { SignedEventRecord } from '../events/event-record.ts';
import type { PendingUpload, UploadOutcome, UploadQueue } from '../events/upload-queue.ts';
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
  /**
   * A new record is uploaded this long after it was answered (default 250 ms), with whatever
   * else arrived meanwhile: one queue read and one batch of uploads per burst of webhooks.
   */
  gatherMs?: number;
  /** Uploads of a batch in flight at once (default 8). */
  concurrency?: number;
  now?: () => Date;
}

/**
 * Logs signed event records in the transparency log AFTER the interceptor has been answered:
 * it is woken once a new record is durable and starts `gatherMs` later, with every record
 * stored meanwhile; it works from the store's upload queue, never from memory, so a restart (even kill -9) resumes every pending upload. An
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
    this.wake(0);
    this.#timer = setInterval(() => this.wake(0), this.#o.pollMs ?? 5_000);
    this.#timer.unref();
  }

  /** A new record is stored (and answered): upload it, and what else arrives, `gatherMs` later. */
  wake(delayMs = this.#o.gatherMs ?? 250): void {
    if (this.#stopped) return;
    if (this.#round) {
      this.#again = true;
      return;
    }
    this.#round = new Promise<void>((resolve) => setTimeout(resolve, delayMs).unref())
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
      const width = this.#o.concurrency ?? 8;
      for (let i = 0; i < due.length && !this.#stopped; i += width) {
        const outcomes = await Promise.all(due.slice(i, i + width).map((p) => this.#upload(p)));
        await this.#o.queue.settle(outcomes).catch((err: unknown) => {
          // A closed store (shutdown): the records stay pending and are tried again after the restart.
          this.#o.logger.warn('event upload outcomes not stored', { code: (err as { code?: string }).code, message: (err as Error).message });
        });
      }
      if (due.length < batch) return;
    }
  }

  async #upload(p: PendingUpload): Promise<UploadOutcome> {
    const r = p.record;
    const attempts = p.attempts + 1;
    try {
      const entry = await this.#o.log.logEnvelope(serializeEnvelope(r.envelope), r.envelope, this.#verifier(r));
      this.#o.logger.info('event logged', { eventId: r.eventId, logIndex: entry.entry.logIndex, uuid: entry.uuid });
      return { eventId: r.eventId, entry };
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'ERROR';
      const permanent = isPermanentTlogError(err);
      const retryAt = permanent || attempts >= (this.#o.maxAttempts ?? 12) ? undefined : new Date(this.#now().getTime() + this.#backoff(attempts));
      const fields = { eventId: r.eventId, code, attempt: attempts, message: (err as Error).message.slice(0, 300) };
      if (retryAt) this.#o.logger.warn('event upload failed; retrying', { ...fields, retryAt: retryAt.toISOString() });
      else this.#o.logger.error('event upload failed for good', fields);
      return { eventId: r.eventId, attempts, error: `${code}: ${(err as Error).message}`, retryAt };
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
