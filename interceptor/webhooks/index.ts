import { Registry } from '../../signer/registry.ts';
import { webhookChecks } from '../../signer/authenticity/providers/index.ts';
import type { WebhookProvider } from './provider.ts';

export type { WebhookProvider } from './provider.ts';
export { HeaderView } from './headers.ts';

/**
 * Every webhook provider, keyed by the `provider` param. GitHub's event type is
 * `X-Github-Event`, GitLab's `X-Gitlab-Event`, Bitbucket Server's `X-Event-Key`. `none`:
 * nobody here checks anything, and the signed record says so (`verified: false`).
 */
export function defaultWebhookProviders(): Registry<WebhookProvider> {
  const checks = webhookChecks();
  return new Registry<WebhookProvider>('webhook provider')
    .register('github', { name: 'github', eventTypeHeader: 'X-Github-Event', check: checks.get('github') })
    .register('gitlab', { name: 'gitlab', eventTypeHeader: 'X-Gitlab-Event', check: checks.get('gitlab') })
    .register('bitbucket', { name: 'bitbucket', eventTypeHeader: 'X-Event-Key', check: checks.get('bitbucket') })
    .register('none', { name: 'none', eventTypeHeader: undefined, check: undefined });
}
