import { Registry } from '../../registry.ts';
import { bitbucketCheck } from './bitbucket.ts';
import { githubCheck } from './github.ts';
import { gitlabCheck } from './gitlab.ts';
import type { WebhookCheck } from './provider.ts';

export { SIGNER_CHECKER, lookupOf, type HeaderLookup, type WebhookCheck } from './provider.ts';

/** Every provider whose webhooks the signer can authenticate, keyed by the `provider` param. */
export function webhookChecks(): Registry<WebhookCheck> {
  return new Registry<WebhookCheck>('webhook provider')
    .register('github', githubCheck)
    .register('gitlab', gitlabCheck)
    .register('bitbucket', bitbucketCheck);
}
