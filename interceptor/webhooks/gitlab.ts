import { interceptorError } from '../errors.ts';
import { secretsEqual } from './compare.ts';
import { SELF_CHECKER, type AuthenticityInput, type WebhookProvider } from './provider.ts';

/**
 * GitLab: `X-Gitlab-Token` carries the shared secret itself, compared in constant time. The
 * header is a secret: the record builder removes it and no message ever echoes it.
 */
export const gitlabProvider: WebhookProvider = {
  name: 'gitlab',
  needsSecret: true,
  eventTypeHeader: 'X-Gitlab-Event',
  authenticate({ headers, secret }: AuthenticityInput) {
    const token = headers.first('X-Gitlab-Token');
    if (token === undefined) {
      throw interceptorError('MISSING_SIGNATURE', 'no X-Gitlab-Token header: the GitLab webhook has no secret token');
    }
    if (!secretsEqual(Buffer.from(token, 'utf8'), secret?.bytes() ?? Buffer.alloc(0))) {
      throw interceptorError('TOKEN_MISMATCH', 'X-Gitlab-Token does not match the configured secret');
    }
    return { provider: 'gitlab', verified: true, method: 'shared-token X-Gitlab-Token', checkedBy: SELF_CHECKER };
  },
};
