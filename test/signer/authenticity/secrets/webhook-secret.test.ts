import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { test } from 'node:test';
import { DirectorySecretResolver, StaticSecretResolver } from '../../../../signer/authenticity/secrets/static.ts';
import { WebhookSecret } from '../../../../signer/authenticity/secrets/webhook-secret.ts';

const VALUE = 'ws-secret-Hq73kD';
const ref = { secretName: 'hook', secretKey: 'secret' };

test('the imported HMAC key gives the same HMAC as the raw bytes, for every algorithm and for an empty secret', () => {
  for (const value of [VALUE, '', 'ü-non-ascii-🔑', 'x'.repeat(200)]) {
    const secret = new WebhookSecret(value);
    for (const algo of ['sha256', 'sha1'] as const) {
      const body = Buffer.from('{"a":1}');
      assert.deepEqual(createHmac(algo, secret.hmacKey()).update(body).digest(), createHmac(algo, Buffer.from(value)).update(body).digest());
    }
    assert.equal(secret.length, Buffer.byteLength(value));
    assert.equal(secret.bytes().toString(), value);
  }
});

test('the secret keeps its own copy: changing the caller\'s Buffer or the returned bytes changes nothing', () => {
  const source = Buffer.from(VALUE);
  const secret = new WebhookSecret(source);
  source.fill(0);
  secret.bytes().fill(0);
  assert.equal(secret.bytes().toString(), VALUE);
  assert.deepEqual(createHmac('sha256', secret.hmacKey()).update('x').digest(), createHmac('sha256', VALUE).update('x').digest());
});

test('logging or serialising a secret never shows its value', () => {
  const secret = new WebhookSecret(VALUE);
  for (const shown of [inspect(secret), JSON.stringify({ secret }), String(secret), inspect(secret.hmacKey())]) {
    assert.equal(shown.includes(VALUE), false, shown);
    assert.equal(shown.includes(Buffer.from(VALUE).toString('hex')), false, shown);
  }
});

test('the static resolver hands out one instance per value (one key import), the directory resolver reads the current file', async () => {
  const resolver = new StaticSecretResolver({ 'hook/secret': VALUE });
  const [a, b] = [await resolver.resolve('ns1', ref), await resolver.resolve('ns2', ref)];
  assert.equal(a, b);
  assert.equal(a.bytes().toString(), VALUE);

  const dir = mkdtempSync(join(tmpdir(), 'tp-ws-'));
  mkdirSync(join(dir, 'hook'));
  writeFileSync(join(dir, 'hook', 'secret'), 'first');
  const files = new DirectorySecretResolver(dir);
  assert.equal((await files.resolve('ns', ref)).bytes().toString(), 'first');
  writeFileSync(join(dir, 'hook', 'secret'), 'rotated');
  assert.equal((await files.resolve('ns', ref)).bytes().toString(), 'rotated');
  await assert.rejects(files.resolve('ns', { secretName: 'hook', secretKey: 'missing' }), { code: 'SECRET_NOT_FOUND' });
});
