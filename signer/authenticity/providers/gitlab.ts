import { authFailure } from '../errors.ts';
import { secretsEqual } from './hmac.ts';
import type { WebhookCheck } from './provider.ts';

/**
 * GitLab: `X-Gitlab-Token` carries the shared secret itself, compared in constant time. The
 * header is a secret: redacted from the record, never echoed or logged.
 */
export const gitlabCheck: WebhookCheck = {
  name: 'gitlab',
  headers: ['X-Gitlab-Token'],
  method(headers) {
    if (headers.first('X-Gitlab-Token') === undefined) throw authFailure('MISSING_SIGNATURE', 'no X-Gitlab-Token header');
    return 'shared-token X-Gitlab-Token';
  },
  verify(_body, headers, allowSha1, secret) {
    const method = this.method(headers, allowSha1);
    if (!secretsEqual(Buffer.from(headers.first('X-Gitlab-Token')!, 'utf8'), secret.bytes())) {
      throw authFailure('TOKEN_MISMATCH', 'X-Gitlab-Token does not match the configured secret');
    }
    return method;
  },
};
