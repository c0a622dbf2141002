import type { EventStore } from '../event-store.ts';
import type { Logger } from '../../server/logger.ts';
import { cutoffs, type RetentionPolicy } from './policy.ts';
import { RetentionMetrics } from './metrics.ts';

export interface PruneRound {
  records: number;
  bytes: number;
  batches: number;
}

/**
 * Deletes expired event records off the webhook path: a timer in the signer runs a round
 * every `intervalMs`, each round at most `maxBatches` batches of `batchSize`, yielding to the
 * event loop between batches. Rounds never overlap; a failed round (store unreachable) is
 * logged, counted, and the next one tries again. Every replica runs one: the stores make
 * concurrent deletes safe (PostgreSQL SKIP LOCKED, Secrets 404s).
 */
export class RetentionPruner {
  readonly metrics: RetentionMetrics;
  readonly #store: EventStore;
  readonly #policy: RetentionPolicy;
  readonly #log: Logger;
  readonly #now: () => Date;
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<PruneRound> | undefined;
  #stopped = false;

  constructor(store: EventStore, policy: RetentionPolicy, log: Logger, opts: { now?: () => Date; metrics?: RetentionMetrics } = {}) {
    this.#store = store;
    this.#policy = policy;
    this.#log = log;
    this.#now = opts.now ?? (() => new Date());
    this.metrics = opts.metrics ?? new RetentionMetrics();
  }

  start(): void {
    if (!this.#store.prune) {
      this.#log.warn('the event store has no retention; records are kept forever');
      return;
    }
    const schedule = (ms: number) => {
      if (this.#stopped) return;
      this.#timer = setTimeout(() => {
        this.runOnce()
          .catch(() => undefined) // counted and logged in runOnce
          .finally(() => schedule(this.#policy.intervalMs));
      }, ms);
      this.#timer.unref();
    };
    schedule(Math.min(this.#policy.intervalMs, 10_000)); // a first round soon after start-up
  }

  /** Stops the timer and waits for a round in progress (it ends after its current batch). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#round?.catch(() => undefined);
  }

  /** One round now (or the one in progress). */
  runOnce(): Promise<PruneRound> {
    this.#round ??= this.#prune().finally(() => {
      this.#round = undefined;
    });
    return this.#round;
  }

  async #prune(): Promise<PruneRound> {
    const store = this.#store;
    const total: PruneRound = { records: 0, bytes: 0, batches: 0 };
    if (!store.prune) return total;
    try {
      const cut = cutoffs(this.#policy, this.#now());
      for (let i = 0; i < this.#policy.maxBatches && !this.#stopped; i++) {
        const r = await store.prune({ ...cut, limit: this.#policy.batchSize });
        total.batches++;
        total.records += r.records;
        total.bytes += r.bytes;
        this.metrics.pruned.inc(r.records);
        this.metrics.prunedBytes.inc(r.bytes);
        if (r.records < this.#policy.batchSize) break;
        await new Promise((resolve) => setImmediate(resolve)); // let puts in between batches
      }
      if (store.stats) {
        const s = await store.stats();
        this.metrics.records.set(s.records);
        this.metrics.bytes.set(s.bytes);
      }
      if (total.records > 0) this.#log.info('event records pruned', { records: total.records, bytes: total.bytes, batches: total.batches });
      return total;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      this.metrics.errors.inc({ code: typeof code === 'string' ? code : 'INTERNAL' });
      this.#log.warn('event store prune failed', { code: typeof code === 'string' ? code : undefined, cause: (err as Error).message });
      throw err;
    }
  }
}
