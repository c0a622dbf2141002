import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactHeaders } from '../../../interceptor/record/redact.ts';
import { isSecretHeader } from '../../../signer/events/secret-headers.ts';

test('secret and HMAC headers are removed and listed; ordinary headers are kept, sorted', () => {
  const { headers, redacted } = redactHeaders({
    'X-Gitlab-Token': ['t'],
    Authorization: ['Bearer x'],
    'Proxy-Authorization': ['Basic y'],
    Cookie: ['a=b'],
    'X-Hub-Signature': ['sha1=00'],
    'X-Hub-Signature-256': ['sha256=00'],
    'X-Api-Key': ['k'],
    'X-My-Webhook-Secret': ['s'],
    'X-Github-Event': ['push'],
    'Content-Type': ['application/json'],
    'X-Gitlab-Event-UUID': ['u'],
  });
  assert.deepEqual(Object.keys(headers), ['Content-Type', 'X-Github-Event', 'X-Gitlab-Event-UUID']);
  assert.deepEqual(redacted, [
    'Authorization',
    'Cookie',
    'Proxy-Authorization',
    'X-Api-Key',
    'X-Gitlab-Token',
    'X-Hub-Signature',
    'X-Hub-Signature-256',
    'X-My-Webhook-Secret',
  ]);
});

test('everything the signer refuses as a secret header is redacted here first', () => {
  for (const name of ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-gitlab-token', 'x-auth-token', 'x-api-key']) {
    assert.equal(isSecretHeader(name), true);
    assert.deepEqual(redactHeaders({ [name]: ['v'] }).redacted, [name]);
  }
});
