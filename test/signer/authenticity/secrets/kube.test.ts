import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeSecretResolver } from '../../../../signer/authenticity/secrets/kube.ts';
import { startKubeApiServer, type KubeApiServer } from '../../../harness/kube/index.ts';

const ref = { secretName: 'github-webhook', secretKey: 'secret' };
let kube: KubeApiServer;

function putSecret(value: string) {
  kube.objects.put({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'github-webhook', namespace: 'ci', labels: { 'tekton-provenance.dev/webhook-secret': 'true' } },
    type: 'Opaque',
    data: { secret: Buffer.from(value).toString('base64') },
  });
}
const reads = () => kube.requests.find('GET', /\/namespaces\/ci\/secrets\/github-webhook/).length;

before(async () => {
  kube = await startKubeApiServer();
  putSecret('first-value');
});
after(() => kube.close());

test('reads the Secret in the trigger namespace, caches it briefly, and sees a rotation after the TTL', async () => {
  const resolver = new KubeSecretResolver(kube.kubeConfig(), { ttlMs: 2_000 });
  kube.requests.clear();
  const [a, b] = await Promise.all([resolver.resolve('ci', ref), resolver.resolve('ci', ref)]);
  assert.equal(a.bytes().toString(), 'first-value');
  assert.equal(b.bytes().toString(), 'first-value');
  assert.equal((await resolver.resolve('ci', ref)).bytes().toString(), 'first-value');
  assert.equal(reads(), 1, 'concurrent and repeated lookups share one read');
  assert.equal(a, b, 'one WebhookSecret (one imported HMAC key) per cached value');
  putSecret('rotated-value');
  await sleep(2_100);
  const rotated = await resolver.resolve('ci', ref);
  assert.equal(rotated.bytes().toString(), 'rotated-value');
  assert.notEqual(rotated.hmacKey(), a.hmacKey(), 'a rotated secret brings its own HMAC key');
  assert.equal(reads(), 2);
});

test('a missing Secret, a missing key and an API failure have distinct codes', async () => {
  const resolver = new KubeSecretResolver(kube.kubeConfig());
  await assert.rejects(resolver.resolve('other', ref), { code: 'SECRET_NOT_FOUND', message: 'Secret other/github-webhook does not exist' });
  await assert.rejects(resolver.resolve('ci', { ...ref, secretKey: 'token' }), {
    code: 'SECRET_KEY_MISSING',
    message: 'Secret ci/github-webhook has no key "token"',
  });
  const fresh = new KubeSecretResolver(kube.kubeConfig());
  kube.faults.failNext(1, { status: 500, path: /secrets/ });
  await assert.rejects(fresh.resolve('ci', ref), { code: 'SECRET_LOOKUP_FAILED' });
  assert.equal((await fresh.resolve('ci', ref)).length > 0, true, 'failures are not cached');
});
