import type { LoggedEntry } from '../transparency/entry.ts';
import type { SignedEventRecord } from './event-record.ts';

/**
 * The event store as the durable queue of transparency log uploads (transparency.events).
 * Once `enable()` was called, every record `put` creates is queued in the same commit as the
 * record itself, so an acknowledged event always has its upload pending or done, whatever
 * happens to the process. Uploads happen later (signer/transparency/event-uploader.ts).
 */
export interface UploadQueue {
  /** From now on, records put are queued for upload (atomically with the record). */
  enable(): void;
  /** Queued records due at `now`, oldest first, at most `limit`. */
  due(now: Date, limit: number): Promise<PendingUpload[]>;
  /**
   * The outcomes of a batch of attempts, written together: a logged record gets its entry and
   * leaves the queue; a failed one is retried at `retryAt`, or (undefined) given up for good,
   * its last error kept.
   */
  settle(outcomes: readonly UploadOutcome[]): Promise<void>;
  /** Counts by state, for metrics and tests. */
  counts(): Promise<{ pending: number; logged: number; failed: number }>;
}

export interface PendingUpload {
  record: SignedEventRecord;
  /** Attempts made so far. */
  attempts: number;
}

export type UploadOutcome =
  | { eventId: string; entry: LoggedEntry }
  | { eventId: string; attempts: number; error: string; retryAt: Date | undefined };
