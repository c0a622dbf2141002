import { authFailure } from '../errors.ts';
import { verifyHmacHeader, type HmacAlgorithm } from './hmac.ts';
import type { WebhookCheck } from './provider.ts';

/**
 * Bitbucket Server / Data Center: `X-Hub-Signature: sha256=<hex>` HMAC of the raw body
 * (`sha1=` only with `allowSha1`). The algorithm named by the header's prefix is the check
 * recorded; a prefix that is not allowed fails the check.
 */
export const bitbucketCheck: WebhookCheck = {
  name: 'bitbucket',
  headers: ['X-Hub-Signature'],
  method(headers) {
    const value = headers.first('X-Hub-Signature');
    if (value === undefined) throw authFailure('MISSING_SIGNATURE', 'no X-Hub-Signature header');
    return `hmac-${value.startsWith('sha1=') ? 'sha1' : 'sha256'} X-Hub-Signature`;
  },
  verify(body, headers, allowSha1, secret) {
    const method = this.method(headers, allowSha1);
    const allowed: HmacAlgorithm[] = allowSha1 ? ['sha256', 'sha1'] : ['sha256'];
    verifyHmacHeader('X-Hub-Signature', headers.first('X-Hub-Signature')!, allowed, body, secret.hmacKey());
    return method;
  },
};
