import type { Signer } from '../keys/signer.ts';
import type { SignedEventRecord } from '../events/event-record.ts';
import type { EventStore } from '../events/event-store.ts';
import { eventError } from '../events/errors.ts';
import { signEvent } from '../events/sign-event.ts';
import { validateEventStatement } from '../events/validate-statement.ts';
import { ByteBudget } from './byte-budget.ts';
import type { Logger } from './logger.ts';

/**
 * Statement bytes worked on at once (ByteBudget): with the Deployment's 256 MiB heap cap this
 * leaves room for the few copies each statement needs. One 25 MiB webhook (at most ~64 MiB of
 * statement) is always admitted, alone.
 */
export const DEFAULT_IN_FLIGHT_BYTES = 32 * 1024 * 1024;

/**
 * The signer's one job, as named steps: validate -> (already stored?) -> sign -> store.
 * The answer is what the store holds, so a redelivered event gets the signature stamped the
 * first time. Requests for the same eventId are serialised in-process so two concurrent
 * deliveries cannot both sign and disagree about which signature is stored.
 */
export class EventSigningService {
  readonly #signer: Signer;
  readonly #store: EventStore;
  readonly #log: Logger;
  readonly #inFlight = new Map<string, Promise<unknown>>();
  readonly #budget: ByteBudget;

  constructor(signer: Signer, store: EventStore, log: Logger, inFlightBytes = DEFAULT_IN_FLIGHT_BYTES) {
    this.#signer = signer;
    this.#store = store;
    this.#log = log;
    this.#budget = new ByteBudget(inFlightBytes);
  }

  async signAndStore(statementBytes: Buffer): Promise<{ record: SignedEventRecord; created: boolean }> {
    const release = await this.#budget.acquire(statementBytes.length);
    try {
      return await this.#signAndStore(statementBytes);
    } finally {
      release();
    }
  }

  async #signAndStore(statementBytes: Buffer): Promise<{ record: SignedEventRecord; created: boolean }> {
    const event = validateEventStatement(statementBytes);
    const previous = this.#inFlight.get(event.eventId) ?? Promise.resolve();
    const mine = previous
      .catch(() => undefined)
      .then(async () => {
        const existing = await this.#store.getByEventId(event.eventId);
        if (existing) {
          if (existing.digest !== event.digest) {
            throw eventError(
              'EVENT_CONFLICT',
              `event ${event.eventId} is already stored with digest ${existing.digest}, not ${event.digest}`,
            );
          }
          return { record: existing, created: false };
        }
        const record = await signEvent(statementBytes, event, this.#signer);
        const stored = (await this.#store.put(record, statementBytes)) ?? record;
        return { record: stored, created: stored === record };
      });
    this.#inFlight.set(event.eventId, mine);
    try {
      const result = await mine;
      this.#log.info(result.created ? 'event signed and stored' : 'event already stored', {
        eventId: event.eventId,
        digest: event.digest,
        triggerId: event.triggerId,
        keyid: result.record.keyid,
      });
      return result;
    } finally {
      if (this.#inFlight.get(event.eventId) === mine) this.#inFlight.delete(event.eventId);
    }
  }
}
