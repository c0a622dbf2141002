import { WebhookAuthenticator } from '../authenticity/authenticator.ts';
import type { AuthenticityProof } from '../authenticity/proof.ts';
import type { Signer } from '../keys/signer.ts';
import { identitySource, type IdentitySource } from '../keyless/signing-identity.ts';
import type { SignedEventRecord } from '../events/event-record.ts';
import type { EventStore } from '../events/event-store.ts';
import { eventError } from '../events/errors.ts';
import { signEvent } from '../events/sign-event.ts';
import { validateEventStatement, type ValidatedEvent } from '../events/validate-statement.ts';
import { ByteBudget } from '../limits/byte-budget.ts';
import { isPast } from '../limits/errors.ts';
import type { FrameDeadline } from '../protocol/frames.ts';
import type { Logger } from './logger.ts';

/**
 * Statement bytes worked on at once (ByteBudget): with the Deployment's 256 MiB heap cap this
 * leaves room for the few copies each statement needs. One 25 MiB webhook (at most ~64 MiB of
 * statement) is always admitted, alone.
 */
export const DEFAULT_IN_FLIGHT_BYTES = 32 * 1024 * 1024;

/**
 * The signer's one job, as named steps: validate -> establish authenticity (the signer's own
 * check, signer/authenticity/) -> (already stored?) -> sign -> store.
 * The answer is what the store holds, so a redelivered event gets the signature stamped the
 * first time. Requests for the same eventId are serialised in-process so two concurrent
 * deliveries cannot both sign and disagree about which signature is stored.
 */
export interface SignAndStoreOptions {
  proof?: AuthenticityProof | undefined;
  deadline?: FrameDeadline | undefined;
}

type EventKeys = Pick<ValidatedEvent, 'eventId' | 'digest' | 'triggerId'>;

export class EventSigningService {
  readonly #signer: IdentitySource;
  #onCreated: ((record: SignedEventRecord) => void) | undefined;
  readonly #store: EventStore;
  readonly #log: Logger;
  readonly #inFlight = new Map<string, Promise<unknown>>();
  readonly #budget: ByteBudget;
  readonly #auth: WebhookAuthenticator;

  constructor(
    /** A key, or keyless: an ephemeral key + certificate from the cache (signing-identity.ts). */
    signer: Signer | IdentitySource,
    store: EventStore,
    log: Logger,
    inFlightBytes = DEFAULT_IN_FLIGHT_BYTES,
    /** Default: no secret source, so only unverified statements can be signed. */
    auth: WebhookAuthenticator = new WebhookAuthenticator({ log }),
  ) {
    this.#auth = auth;
    this.#signer = identitySource(signer);
    this.#store = store;
    this.#log = log;
    this.#budget = new ByteBudget(inFlightBytes);
  }

  /** Called once per newly stored record, after it is durable (the event uploader's wake-up). */
  onCreated(listener: (record: SignedEventRecord) => void): void {
    this.#onCreated = listener;
  }

  /**
   * `proof`: what the signer needs to check the webhook itself (absent: only an unverified
   * statement is signed). With a `deadline` (the framed protocol's SignEventBy/SignWebhookBy),
   * work is dropped, never stored, once `beginBy` passed: while queued for the byte budget,
   * before signing, and at the store's commit (the last moment before the durable write begins).
   */
  async signAndStore(
    statementBytes: Buffer,
    opts: SignAndStoreOptions = {},
  ): Promise<{ record: SignedEventRecord; created: boolean }> {
    const release = await this.#budget.acquire(statementBytes.length, { deadline: opts.deadline?.beginBy });
    try {
      return await this.#signAndStore(statementBytes, opts);
    } finally {
      release();
    }
  }

  async #signAndStore(
    statementBytes: Buffer,
    { proof, deadline }: SignAndStoreOptions,
  ): Promise<{ record: SignedEventRecord; created: boolean }> {
    const event = await this.#admit(statementBytes, proof);
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
        if (isPast(deadline?.beginBy)) {
          throw eventError('DEADLINE_EXCEEDED', `event ${event.eventId} was not signed: its deadline passed while it waited`);
        }
        const record = await signEvent(statementBytes, event, await this.#signer());
        const stored = (await this.#store.put(record, statementBytes, { deadline: deadline?.beginBy })) ?? record;
        const created = stored === record;
        if (created) this.#onCreated?.(record);
        if (created && isPast(deadline?.answerBy)) {
          // The commit began in time but ended after the client gave up: it reported this
          // event refused. Logged as an error with the id (docs/security.md, "Limits and integrity").
          this.#log.error('event stored after its client gave up', { eventId: event.eventId, digest: event.digest });
        }
        return { record: stored, created };
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

  /**
   * Validates the statement and establishes its authenticity, before the store is even read (a
   * redelivery must prove itself like the first delivery). Only the keys are returned: the
   * parsed statement (its body, up to 50 MiB as a string) is garbage from here on, while the
   * event is signed and stored.
   */
  async #admit(statementBytes: Buffer, proof: AuthenticityProof | undefined): Promise<EventKeys> {
    const validated = validateEventStatement(statementBytes);
    await this.#auth.establish(validated, proof);
    const { eventId, digest, triggerId } = validated;
    return { eventId, digest, triggerId };
  }
}
