import type { LoggedEntry } from '../../transparency/entry.ts';

/** One attestation of one run as one signer would sign it. */
export interface JournalKey {
  runUid: string;
  format: string;
  /** sha256 (hex) of the payload bytes: a run that builds differently (its event record appeared) is signed anew. */
  payloadSha256: string;
  /** The key's keyid, or `keyless`: an envelope is replayed only for the signer that made it. */
  signer: string;
}

export interface JournalEntry {
  /** `serializeEnvelope` text: the exact bytes logged and stored. */
  envelope: string;
  /** Keyless: the chain (PEM, leaf first) the envelope was signed under. */
  certificates?: string[];
  /** Set once the log confirmed the entry. */
  tlog?: LoggedEntry;
}

/**
 * Envelopes signed for runs not yet marked signed or failed. An ECDSA signature differs each
 * time, so signing again on a retry makes another envelope and, with transparency on, another
 * log entry: a retry replays what the journal holds instead (signer/controller/sign-once.ts).
 * `signed` and `logged` resolve only once the entry is durable.
 */
export interface SigningJournal {
  find(key: JournalKey): Promise<JournalEntry | undefined>;
  signed(key: JournalKey, entry: JournalEntry): Promise<void>;
  logged(key: JournalKey, tlog: LoggedEntry): Promise<void>;
  /** The run is marked: its envelopes are in every backend, or never will be. */
  forget(runUid: string): Promise<void>;
  close(): void;
}

/** Entries of runs never marked (deleted mid-way) are dropped after this long. */
export const JOURNAL_TTL_MS = 7 * 24 * 3600_000;
