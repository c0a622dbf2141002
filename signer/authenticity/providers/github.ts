import { authFailure } from '../errors.ts';
import { verifyHmacHeader } from './hmac.ts';
import type { WebhookCheck } from './provider.ts';

const SHA256 = 'hmac-sha256 X-Hub-Signature-256';
const SHA1 = 'hmac-sha1 X-Hub-Signature';

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex>` HMAC of the raw body. The legacy
 * `X-Hub-Signature: sha1=...` counts only with `allowSha1` (Triggers' github interceptor falls
 * back to it silently; here the weaker check is an explicit choice, recorded as such).
 */
export const githubCheck: WebhookCheck = {
  name: 'github',
  headers: ['X-Hub-Signature-256', 'X-Hub-Signature'],
  method(headers, allowSha1) {
    if (headers.first('X-Hub-Signature-256') !== undefined) return SHA256;
    if (allowSha1 && headers.first('X-Hub-Signature') !== undefined) return SHA1;
    throw authFailure('MISSING_SIGNATURE', allowSha1 ? 'no X-Hub-Signature-256 or X-Hub-Signature header' : 'no X-Hub-Signature-256 header');
  },
  verify(body, headers, allowSha1, secret) {
    const method = this.method(headers, allowSha1);
    if (method === SHA256) verifyHmacHeader('X-Hub-Signature-256', headers.first('X-Hub-Signature-256')!, ['sha256'], body, secret.hmacKey());
    else verifyHmacHeader('X-Hub-Signature', headers.first('X-Hub-Signature')!, ['sha1'], body, secret.hmacKey());
    return method;
  },
};
