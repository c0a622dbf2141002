import type { SignedEventRecord } from './event-record.ts';

/**
 * Durable storage of signed event records. `put` resolves only once the record is durable
 * (fsync'd / acknowledged by the API server). Putting the same eventId with the same digest
 * again is a no-op; the same eventId with another digest is an EVENT_CONFLICT error.
 */
export interface EventStore {
  put(record: SignedEventRecord): Promise<void>;
  getByEventId(eventId: string): Promise<SignedEventRecord | undefined>;
  getByDigest(digest: string): Promise<SignedEventRecord[]>;
  close(): Promise<void>;
}
