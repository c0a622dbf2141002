import { interceptorError } from '../errors.ts';
import { hmacKeyOf, verifyHmacHeader, type HmacAlgorithm } from './compare.ts';
import { SELF_CHECKER, type AuthenticityInput, type WebhookProvider } from './provider.ts';

/**
 * Bitbucket Server / Data Center: `X-Hub-Signature: sha256=<hex>` HMAC of the raw body
 * (`sha1=` only with `allowSha1: true`). The event type is `X-Event-Key` (e.g. `repo:refs_changed`).
 */
export const bitbucketProvider: WebhookProvider = {
  name: 'bitbucket',
  needsSecret: true,
  eventTypeHeader: 'X-Event-Key',
  authenticate({ body, headers, params, secret }: AuthenticityInput) {
    const value = headers.first('X-Hub-Signature');
    if (value === undefined) {
      throw interceptorError('MISSING_SIGNATURE', 'no X-Hub-Signature header: the Bitbucket webhook has no secret');
    }
    const allowed: HmacAlgorithm[] = params.allowSha1 ? ['sha256', 'sha1'] : ['sha256'];
    const algo = verifyHmacHeader('X-Hub-Signature', value, allowed, body, hmacKeyOf(secret));
    return { provider: 'bitbucket', verified: true, method: `hmac-${algo} X-Hub-Signature`, checkedBy: SELF_CHECKER };
  },
};
