import { Registry } from '../../signer/registry.ts';
import { bitbucketProvider } from './bitbucket.ts';
import { githubProvider } from './github.ts';
import { gitlabProvider } from './gitlab.ts';
import { noneProvider } from './none.ts';
import type { WebhookProvider } from './provider.ts';

export type { WebhookProvider, Authenticity, AuthenticityInput } from './provider.ts';
export { HeaderView } from './headers.ts';

/** Every webhook provider, keyed by the `provider` param value. */
export function defaultWebhookProviders(): Registry<WebhookProvider> {
  return new Registry<WebhookProvider>('webhook provider')
    .register('github', githubProvider)
    .register('gitlab', gitlabProvider)
    .register('bitbucket', bitbucketProvider)
    .register('none', noneProvider);
}
