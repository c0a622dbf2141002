import { interceptorError } from '../errors.ts';
import { hmacKeyOf, verifyHmacHeader } from './compare.ts';
import { SELF_CHECKER, type AuthenticityInput, type WebhookProvider } from './provider.ts';

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex>` HMAC of the raw body. GitHub always sends it;
 * the legacy `X-Hub-Signature: sha1=...` is accepted only with `allowSha1: true` (Triggers'
 * github interceptor falls back to it silently; we make the weaker check an explicit choice
 * and record which one passed).
 */
export const githubProvider: WebhookProvider = {
  name: 'github',
  needsSecret: true,
  eventTypeHeader: 'X-Github-Event',
  authenticate({ body, headers, params, secret }: AuthenticityInput) {
    const sha256 = headers.first('X-Hub-Signature-256');
    if (sha256 !== undefined) {
      verifyHmacHeader('X-Hub-Signature-256', sha256, ['sha256'], body, hmacKeyOf(secret));
      return { provider: 'github', verified: true, method: 'hmac-sha256 X-Hub-Signature-256', checkedBy: SELF_CHECKER };
    }
    const sha1 = headers.first('X-Hub-Signature');
    if (params.allowSha1 && sha1 !== undefined) {
      verifyHmacHeader('X-Hub-Signature', sha1, ['sha1'], body, hmacKeyOf(secret));
      return { provider: 'github', verified: true, method: 'hmac-sha1 X-Hub-Signature', checkedBy: SELF_CHECKER };
    }
    throw interceptorError(
      'MISSING_SIGNATURE',
      params.allowSha1
        ? 'no X-Hub-Signature-256 or X-Hub-Signature header: the GitHub webhook has no secret configured'
        : 'no X-Hub-Signature-256 header: the GitHub webhook has no secret configured',
    );
  },
};
