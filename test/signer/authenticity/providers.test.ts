import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HeaderView } from '../../../interceptor/webhooks/index.ts';
import { WebhookSecret } from '../../../signer/authenticity/secrets/webhook-secret.ts';
import { webhookChecks } from '../../../signer/authenticity/providers/index.ts';
import { hmac } from '../../interceptor/helpers/requests.ts';

const checks = webhookChecks();

// Triggers' examples/github README: this body, secret 1234567, X-Hub-Signature sha1=ba0c...
const TRIGGERS_BODY =
  '{"action": "opened", "pull_request":{"head":{"sha": "28911bbb5a3e2ea034daf1f6be0a822d50e31e73"}},"repository":{"clone_url": "https://github.com/tektoncd/triggers.git"}}';
const TRIGGERS_SHA1 = 'sha1=ba0cdc263b3492a74b601d240c27efe81c4720cb';

/** The signer's check; its answer is the method words the record carries. */
function check(provider: string, headers: Record<string, string[]>, body: string, secret: string, extra: { allowSha1?: boolean } = {}) {
  const method = checks.get(provider).verify(body, new HeaderView(headers), extra.allowSha1 ?? false, new WebhookSecret(secret));
  return { method, verified: true };
}

test("Triggers' documented GitHub example signature verifies (sha1 with allowSha1)", () => {
  const result = check('github', { 'X-Hub-Signature': [TRIGGERS_SHA1] }, TRIGGERS_BODY, '1234567', { allowSha1: true });
  assert.equal(result.method, 'hmac-sha1 X-Hub-Signature');
  assert.throws(() => check('github', { 'X-Hub-Signature': [TRIGGERS_SHA1] }, TRIGGERS_BODY, '1234567'), { code: 'MISSING_SIGNATURE' });
});

test('header names are matched case-insensitively (Go canonical or as GitHub sends them)', () => {
  for (const name of ['X-Hub-Signature-256', 'x-hub-signature-256', 'X-HUB-SIGNATURE-256']) {
    assert.equal(check('github', { [name]: [hmac('sha256', 'k', '{}')] }, '{}', 'k').verified, true);
  }
});

test('uppercase hex is accepted; one flipped byte of body or secret is a mismatch', () => {
  const sig = hmac('sha256', 'k', '{"a":1}');
  assert.equal(check('bitbucket', { 'X-Hub-Signature': [sig.toUpperCase().replace('SHA256', 'sha256')] }, '{"a":1}', 'k').verified, true);
  assert.throws(() => check('bitbucket', { 'X-Hub-Signature': [sig] }, '{"a":2}', 'k'), { code: 'SIGNATURE_MISMATCH' });
  assert.throws(() => check('bitbucket', { 'X-Hub-Signature': [sig] }, '{"a":1}', 'K'), { code: 'SIGNATURE_MISMATCH' });
});

test('GitLab tokens of different lengths are refused without throwing from timingSafeEqual', () => {
  assert.throws(() => check('gitlab', { 'X-Gitlab-Token': ['short'] }, '{}', 'a-much-longer-secret'), { code: 'TOKEN_MISMATCH' });
  assert.equal(check('gitlab', { 'X-Gitlab-Token': ['a-much-longer-secret'] }, '{}', 'a-much-longer-secret').verified, true);
});
