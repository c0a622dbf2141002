import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiException, CoreV1Api } from '@kubernetes/client-node';
import { startKubeApiServer } from '../../harness/kube/index.ts';
import type { KubeApiServer } from '../../harness/kube/index.ts';

let server: KubeApiServer;
let core: CoreV1Api;

before(async () => {
  server = await startKubeApiServer({
    seed: [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'a', namespace: 'sel', labels: { tier: 'web', env: 'prod' } },
      },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'b', namespace: 'sel', labels: { tier: 'db', env: 'prod' } },
      },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'c', namespace: 'sel', labels: { tier: 'web', env: 'dev', canary: '' } },
      },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'd', namespace: 'sel' } },
    ],
  });
  core = server.kubeConfig().makeApiClient(CoreV1Api);
});
after(() => server.close());

async function names(labelSelector?: string, fieldSelector?: string): Promise<string[]> {
  const list = await core.listNamespacedConfigMap({ namespace: 'sel', labelSelector, fieldSelector });
  return list.items.map((i) => i.metadata?.name ?? '');
}

test('label selectors: =, ==, !=, in, notin, exists, !exists and combinations', async () => {
  assert.deepEqual(await names('tier=web'), ['a', 'c']);
  assert.deepEqual(await names('tier==db'), ['b']);
  assert.deepEqual(await names('tier!=web'), ['b', 'd'], '!= matches objects without the label too');
  assert.deepEqual(await names('env in (prod, dev)'), ['a', 'b', 'c']);
  assert.deepEqual(await names('env notin (prod)'), ['c', 'd']);
  assert.deepEqual(await names('canary'), ['c']);
  assert.deepEqual(await names('!canary'), ['a', 'b', 'd']);
  assert.deepEqual(await names('tier=web,env=prod'), ['a']);
  assert.deepEqual(await names(undefined, 'metadata.name=b'), ['b']);
  assert.deepEqual(await names('env=prod', 'metadata.name!=a'), ['b']);
});

test('a malformed or unsupported selector is 400 BadRequest', async () => {
  await assert.rejects(
    names(undefined, 'spec.nodeName=x'),
    (err) => err instanceof ApiException && err.code === 400,
  );
  await assert.rejects(names('tier in (a'), (err) => err instanceof ApiException && err.code === 400);
});

test('limit and continue page through a stable order; the list has a kind and a resourceVersion', async () => {
  const first = await core.listNamespacedConfigMap({ namespace: 'sel', limit: 3 });
  assert.deepEqual(
    first.items.map((i) => i.metadata?.name),
    ['a', 'b', 'c'],
  );
  assert.equal(first.metadata?.remainingItemCount, 1);
  assert.ok(first.metadata?._continue);
  assert.equal(first.metadata?.resourceVersion, server.resourceVersion());
  const second = await core.listNamespacedConfigMap({
    namespace: 'sel',
    limit: 3,
    _continue: first.metadata?._continue,
  });
  assert.deepEqual(
    second.items.map((i) => i.metadata?.name),
    ['d'],
  );
  assert.equal(second.metadata?._continue, undefined);
  const all = await core.listConfigMapForAllNamespaces({ labelSelector: 'env' });
  assert.equal(all.kind, 'ConfigMapList');
  assert.equal(all.items.length, 3);
});

test('a continue token older than the history window is 410 Expired', async () => {
  const first = await core.listNamespacedConfigMap({ namespace: 'sel', limit: 1 });
  await core.createNamespacedConfigMap({ namespace: 'other', body: { metadata: { name: 'z' } } });
  server.compactHistory();
  await assert.rejects(
    core.listNamespacedConfigMap({ namespace: 'sel', limit: 1, _continue: first.metadata?._continue }),
    (err) => err instanceof ApiException && err.code === 410,
  );
});

test('deletecollection deletes what the selectors match (finalizers respected)', async () => {
  for (const [name, team] of [
    ['x', 'a'],
    ['y', 'a'],
    ['z', 'b'],
  ] as const) {
    await core.createNamespacedConfigMap({
      namespace: 'dc',
      body: {
        metadata: { name, labels: { team }, ...(name === 'y' ? { finalizers: ['example.dev/hold'] } : {}) },
      },
    });
  }
  await core.deleteCollectionNamespacedConfigMap({ namespace: 'dc', labelSelector: 'team=a' });
  const left = server.objects.list('v1', 'ConfigMap', 'dc');
  assert.deepEqual(
    left.map((c) => c.metadata.name),
    ['y', 'z'],
  );
  assert.ok(left[0]?.metadata.deletionTimestamp, 'the finalized one is only marked');
});
