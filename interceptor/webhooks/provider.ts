import type { WebhookProviderName } from '../../signer/events/event-record.ts';
import type { WebhookCheck } from '../../signer/authenticity/providers/index.ts';

/**
 * One webhook source as the interceptor sees it: which header names the event type (for the
 * `eventTypes` filter) and which check the SIGNER runs (signer/authenticity/providers/). The
 * interceptor holds no webhook secret: it forwards the check's headers to the signer and
 * predicts the record's words with `check.method`, nothing more.
 */
export interface WebhookProvider {
  readonly name: WebhookProviderName;
  /** The header naming the event type, for the `eventTypes` filter. */
  readonly eventTypeHeader: string | undefined;
  /** undefined for `none`: nothing is checked and the record says `verified: false`. */
  readonly check: WebhookCheck | undefined;
}
