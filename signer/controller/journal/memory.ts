import type { LoggedEntry } from '../../transparency/entry.ts';
import type { JournalEntry, JournalKey, SigningJournal } from './journal.ts';

const id = (k: JournalKey): string => JSON.stringify([k.runUid, k.format, k.payloadSha256, k.signer]);

/**
 * The journal of a controller without a state directory: retries within the process reuse
 * their envelope, a restart does not (the SQLite journal survives it). Bounded: the oldest
 * entries go first beyond `limit`.
 */
export class MemorySigningJournal implements SigningJournal {
  readonly #entries = new Map<string, { runUid: string; entry: JournalEntry }>();
  readonly #limit: number;

  constructor(limit = 10_000) {
    this.#limit = limit;
  }

  async find(key: JournalKey): Promise<JournalEntry | undefined> {
    return this.#entries.get(id(key))?.entry;
  }

  async signed(key: JournalKey, entry: JournalEntry): Promise<void> {
    this.#entries.set(id(key), { runUid: key.runUid, entry: { ...entry } });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#limit) break;
      this.#entries.delete(oldest);
    }
  }

  async logged(key: JournalKey, tlog: LoggedEntry): Promise<void> {
    const e = this.#entries.get(id(key));
    if (e) e.entry.tlog = tlog;
  }

  async forget(runUid: string): Promise<void> {
    for (const [k, v] of [...this.#entries]) if (v.runUid === runUid) this.#entries.delete(k);
  }

  close(): void {
    this.#entries.clear();
  }
}
