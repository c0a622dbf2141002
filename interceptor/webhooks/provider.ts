import type { EventPredicate, WebhookProviderName } from '../../signer/events/event-record.ts';
import type { InterceptorParams } from '../protocol/params.ts';
import type { WebhookSecret } from '../secrets/webhook-secret.ts';
import type { HeaderView } from './headers.ts';

export type Authenticity = EventPredicate['authenticity'];

/** Who performed a check this interceptor did itself. */
export const SELF_CHECKER = 'tekton-provenance-interceptor';

export interface AuthenticityInput {
  /** The exact body bytes the HMAC or token protects. */
  body: Buffer;
  headers: HeaderView;
  params: InterceptorParams;
  /** The webhook secret from `secretRef`; present whenever `needsSecret`. */
  secret?: WebhookSecret;
}

/**
 * One webhook source: how to prove an event came from it. `authenticate` throws an
 * InterceptorError (MISSING_SIGNATURE, MALFORMED_SIGNATURE, SIGNATURE_MISMATCH,
 * TOKEN_MISMATCH) or returns what the record says about the check.
 */
export interface WebhookProvider {
  readonly name: WebhookProviderName;
  /** Whether the handler must resolve `secretRef` before calling authenticate. */
  readonly needsSecret: boolean;
  /** The header naming the event type, for the `eventTypes` filter. */
  readonly eventTypeHeader: string | undefined;
  authenticate(input: AuthenticityInput): Authenticity;
}
