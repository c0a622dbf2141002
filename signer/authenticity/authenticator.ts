import { isProvenanceError } from '../errors.ts';
import { eventError } from '../events/errors.ts';
import type { ValidatedEvent } from '../events/validate-statement.ts';
import type { Registry } from '../registry.ts';
import type { Logger } from '../server/logger.ts';
import { sameAuthenticity, UNVERIFIED, type Authenticity } from './claim.ts';
import { authFailure, type AuthFailure } from './errors.ts';
import { noEventRecorder, type EventRecorder } from './event-recorder.ts';
import type { AuthenticityProof } from './proof.ts';
import { lookupOf, SIGNER_CHECKER, webhookChecks, type WebhookCheck } from './providers/index.ts';
import { FailureLimiter } from './rate-limit.ts';
import type { SecretResolver } from './secrets/resolver.ts';
import { parseTriggerId } from './trigger-id.ts';

/** The one answer callers get for every authenticity failure (details: our log and Events). */
export const NOT_AUTHENTIC_MESSAGE =
  "webhook authenticity could not be established (details in the signer's log and the Trigger's events)";

export interface AuthenticatorDeps {
  /** Absent: no secret source (no cluster, no --secrets): every proof fails. */
  secrets?: SecretResolver;
  events?: EventRecorder;
  log: Logger;
  limiter?: FailureLimiter;
  checks?: Registry<WebhookCheck>;
}

/**
 * Establishes, in the process that holds the key, what a statement may say about its
 * webhook's authenticity, before anything is signed:
 * - no proof: only the UNVERIFIED block (`provider: none, verified: false`) is signed;
 * - a proof: the signer resolves the secret in the namespace of the statement's OWN trigger
 *   id, runs the provider's check over the exact body, and the statement's block must be
 *   exactly `{provider, verified: true, method, checkedBy: tekton-provenance-signer}` as
 *   established here. The interceptor's copy is a prediction; it is never taken as a fact.
 * Failures answer NOT_AUTHENTIC whatever the reason, and are limited per (source, trigger).
 */
export class WebhookAuthenticator {
  readonly #secrets: SecretResolver | undefined;
  readonly #events: EventRecorder;
  readonly #log: Logger;
  readonly #limiter: FailureLimiter;
  readonly #checks: Registry<WebhookCheck>;

  constructor(deps: AuthenticatorDeps) {
    this.#secrets = deps.secrets;
    this.#events = deps.events ?? noEventRecorder;
    this.#log = deps.log;
    this.#limiter = deps.limiter ?? new FailureLimiter();
    this.#checks = deps.checks ?? webhookChecks();
  }

  /** Resolves when `event` may be signed as it is; throws INVALID_EVENT_RECORD, NOT_AUTHENTIC or AUTH_RATE_LIMITED. */
  async establish(event: ValidatedEvent, proof: AuthenticityProof | undefined): Promise<void> {
    const claimed = event.statement.predicate.authenticity;
    if (proof === undefined) {
      if (!sameAuthenticity(claimed, UNVERIFIED)) {
        throw eventError(
          'INVALID_EVENT_RECORD',
          'the statement claims an authenticity check the signer did not make: without a proof only {"provider":"none","verified":false,"method":"none","checkedBy":""} is signed',
        );
      }
      return;
    }
    const established = await this.#check(event, proof);
    if (!sameAuthenticity(claimed, established)) {
      throw eventError(
        'INVALID_EVENT_RECORD',
        `predicate.authenticity must be what the signer established: ${JSON.stringify(established)}`,
      );
    }
  }

  async #check(event: ValidatedEvent, proof: AuthenticityProof): Promise<Authenticity> {
    const source = proof.source.slice(0, 64) || 'unknown';
    // Per (source, trigger) only: through an EventListener every sender shares its address,
    // so a per-source limit would let forged webhooks block every Trigger behind it.
    const keys = [`${source}|${event.triggerId}`];
    if (!this.#limiter.allows(keys)) {
      // Logged, but no Kubernetes Event: a flood of refusals must not become a flood of writes.
      this.#log.info('webhook not authenticated', { reason: 'AUTH_RATE_LIMITED', ...facts(event, proof) });
      throw eventError('AUTH_RATE_LIMITED', 'too many failed authenticity checks from this source for this trigger; retry later');
    }
    try {
      const trigger = parseTriggerId(event.triggerId);
      if (trigger === undefined) throw authFailure('INVALID_TRIGGER_ID', 'context.triggerId is not namespaces/<ns>/triggers/<name>');
      if (this.#secrets === undefined) throw authFailure('SECRET_NOT_FOUND', 'no webhook secret source is configured');
      const check = this.#checks.get(proof.provider);
      const headers = lookupOf(proof.headers);
      check.method(headers, proof.allowSha1); // no header: fail before reading any Secret
      const secret = await this.#secrets.resolve(trigger.namespace, proof.secretRef);
      if (secret.length === 0) throw authFailure('SECRET_KEY_MISSING', `secret ${proof.secretRef.secretName}/${proof.secretRef.secretKey} is empty`);
      const method = check.verify(event.statement.predicate.body, headers, proof.allowSha1, secret);
      return { provider: proof.provider, verified: true, method, checkedBy: SIGNER_CHECKER };
    } catch (err) {
      const failure = asFailure(err);
      // An API outage is not the caller's doing: it costs no token.
      if (failure.code !== 'SECRET_LOOKUP_FAILED') this.#limiter.failed(keys);
      this.#report(event, proof, failure);
      throw eventError('NOT_AUTHENTIC', NOT_AUTHENTIC_MESSAGE);
    }
  }

  /** Details only here: the signer's log and a Warning Event on the Trigger. */
  #report(event: ValidatedEvent, proof: AuthenticityProof, failure: AuthFailure): void {
    const fields = { reason: failure.code, message: failure.message, ...facts(event, proof) };
    if (failure.code === 'SECRET_LOOKUP_FAILED') this.#log.error('webhook not authenticated', fields);
    else this.#log.info('webhook not authenticated', fields);
    const trigger = parseTriggerId(event.triggerId);
    if (trigger !== undefined) {
      this.#events.rejected({
        namespace: trigger.namespace,
        triggerName: trigger.name,
        eventId: event.eventId,
        reason: failure.code,
        message: failure.message,
      });
    }
  }
}

/** What a log line may say about a refused event: ids and names, never a header value. */
function facts(event: ValidatedEvent, proof: AuthenticityProof) {
  return {
    provider: proof.provider,
    eventId: event.eventId,
    triggerId: event.triggerId.slice(0, 300),
    secret: `${proof.secretRef.secretName}/${proof.secretRef.secretKey}`,
    source: proof.source.slice(0, 64),
  };
}

function asFailure(err: unknown): AuthFailure {
  if (isProvenanceError(err) && FAILURE_CODES.has(err.code)) return err as AuthFailure;
  return authFailure('SECRET_LOOKUP_FAILED', `unexpected error: ${String((err as Error)?.message ?? err).slice(0, 200)}`, err);
}

const FAILURE_CODES = new Set<string>([
  'MISSING_SIGNATURE',
  'MALFORMED_SIGNATURE',
  'SIGNATURE_MISMATCH',
  'TOKEN_MISMATCH',
  'SECRET_NOT_FOUND',
  'SECRET_NOT_LABELLED',
  'SECRET_KEY_MISSING',
  'SECRET_LOOKUP_FAILED',
  'INVALID_TRIGGER_ID',
]);
