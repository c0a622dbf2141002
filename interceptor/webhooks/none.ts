import type { AuthenticityInput, WebhookProvider } from './provider.ts';

/**
 * Delegated: an earlier interceptor in the Trigger's chain (e.g. Triggers' core `github`)
 * already checked authenticity; the EventListener calls us only if it continued. The record
 * says so: `method` (default "delegated") and `checkedBy` come from the Trigger's params, so
 * `verified: true` here is the Trigger configuration's word, not our own check.
 */
export const noneProvider: WebhookProvider = {
  name: 'none',
  needsSecret: false,
  eventTypeHeader: undefined,
  authenticate({ params }: AuthenticityInput) {
    return { provider: 'none', verified: true, method: params.method ?? 'delegated', checkedBy: params.checkedBy ?? '' };
  },
};
