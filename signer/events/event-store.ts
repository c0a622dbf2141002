import type { SignedEventRecord } from './event-record.ts';
import type { UploadQueue } from './upload-queue.ts';

/**
 * Durable storage of signed event records. `put` resolves only once the record is durable
 * (fsync'd / acknowledged by the API server). Putting the same eventId with the same digest
 * again is a no-op; the same eventId with another digest is an EVENT_CONFLICT error.
 * `put` MAY resolve to the record actually stored (on an idempotent repeat: the earlier one),
 * so callers can answer with what the store holds; `void` means "the record given".
 * Errors are ProvenanceErrors with EventErrorCode codes (signer/events/errors.ts).
 */
export interface PutOptions {
  /**
   * ms since the epoch: the store must not BEGIN the durable write at or after this time; it
   * rejects with DEADLINE_EXCEEDED instead and nothing is stored. (A write begun in time is
   * finished: a commit cannot be taken back half-way.)
   */
  deadline?: number;
}

export interface EventStore {
  /**
   * `payloadBytes`, when given, are the statement bytes the envelope's base64 payload encodes
   * (the signer has them): a store that keeps bytes (SqliteEventStore) need not decode the
   * base64 again; others ignore them. They must stay unchanged until the put settles.
   */
  put(record: SignedEventRecord, payloadBytes?: Buffer, opts?: PutOptions): Promise<SignedEventRecord | void>;
  getByEventId(eventId: string): Promise<SignedEventRecord | undefined>;
  getByDigest(digest: string): Promise<SignedEventRecord[]>;
  /** Optional readiness probe: rejects when the store cannot serve (used by /v1/healthz). */
  ping?(): Promise<void>;
  close(): Promise<void>;

  // Retention and administration (docs/signer.md "Retention"); every built-in store has them.
  /**
   * Marks the record as embedded in the stored attestation of run `runUid` at `at`; resolves
   * false when no such record is stored. A later mark of the same record keeps the first.
   */
  markAttested?(eventId: string, runUid: string, at: Date): Promise<boolean>;
  /**
   * Deletes (or with dryRun only lists) at most `limit` records attested before
   * `attestedBefore`, or never attested and stored before `unclaimedBefore`.
   */
  prune?(req: PruneRequest): Promise<PruneResult>;
  /**
   * A page of at most `limit` records (summaries) from `cursor` (undefined: the first page);
   * `next` is the cursor of the following page, absent after the last (`events ls`/`copy`).
   */
  list?(cursor: string | undefined, limit: number): Promise<EventPage>;
  /** How many records and how many bytes of them the store holds. */
  stats?(): Promise<StoreStats>;

  // Keyless and transparency.events (docs/transparency.md).
  /** True when a record's `certificates` read back as they were put (keyless event signing needs it). */
  readonly keepsCertificates?: boolean;
  /** The durable queue of log uploads (transparency.events needs it): see upload-queue.ts. */
  readonly uploads?: UploadQueue;
}

export interface PruneRequest {
  attestedBefore: Date;
  unclaimedBefore: Date;
  limit: number;
  dryRun?: boolean;
}

export interface PruneResult {
  records: number;
  bytes: number;
  eventIds: string[];
}

export interface StoreStats {
  records: number;
  bytes: number;
}

export interface EventPage {
  items: EventSummary[];
  next?: string;
}

export interface EventSummary {
  eventId: string;
  digest: string;
  storedAt: string;
  /** Bytes the store keeps for the record (its payload or serialized record). */
  bytes: number;
  attestedAt?: string;
  attestedRun?: string;
}
