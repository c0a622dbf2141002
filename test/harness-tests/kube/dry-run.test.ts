import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiException, CoreV1Api, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import type { KubernetesObject } from '@kubernetes/client-node';
import { startKubeApiServer } from '../../harness/kube/index.ts';
import type { KubeApiServer } from '../../harness/kube/index.ts';

let server: KubeApiServer;
let core: CoreV1Api;
let objects: KubernetesObjectApi;

before(async () => {
  server = await startKubeApiServer();
  core = server.kubeConfig().makeApiClient(CoreV1Api);
  objects = KubernetesObjectApi.makeApiClient(server.kubeConfig());
});
after(() => server.close());

test('dryRun=All validates and answers like a write but stores nothing and emits no event', async () => {
  const rv = server.resourceVersion();
  const created = await core.createNamespacedConfigMap({
    namespace: 'default',
    dryRun: 'All',
    body: { metadata: { name: 'dry' }, data: { a: '1' } },
  });
  assert.equal(created.metadata?.name, 'dry');
  assert.equal(server.objects.get('v1', 'ConfigMap', 'default', 'dry'), undefined);
  assert.equal(server.resourceVersion(), rv, 'no write happened');

  await core.createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { name: 'wet', finalizers: ['example.dev/hold'] }, data: { a: '1' } },
  });
  const spec = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'wet', namespace: 'default' },
    data: { a: '2' },
  } as KubernetesObject;
  const patched = (await objects.patch(
    spec,
    undefined,
    'All',
    undefined,
    undefined,
    PatchStrategy.MergePatch,
  )) as KubernetesObject & { data: Record<string, string> };
  assert.equal(patched.data.a, '2');
  assert.equal(
    server.objects.get<{ data: Record<string, string> }>('v1', 'ConfigMap', 'default', 'wet')?.data.a,
    '1',
  );

  const before = server.resourceVersion();
  await core.deleteNamespacedConfigMap({ name: 'wet', namespace: 'default', dryRun: 'All' });
  assert.equal(
    server.objects.get('v1', 'ConfigMap', 'default', 'wet')?.metadata.deletionTimestamp,
    undefined,
  );
  assert.equal(server.resourceVersion(), before);
});

test('a dry run still fails validation; an unknown dryRun value is 400', async () => {
  const big = { metadata: { name: 'too-big', annotations: { a: 'x'.repeat(262145) } } };
  await assert.rejects(
    core.createNamespacedConfigMap({ namespace: 'default', dryRun: 'All', body: big }),
    (err) => err instanceof ApiException && err.code === 422,
  );
  await assert.rejects(
    core.createNamespacedConfigMap({
      namespace: 'default',
      dryRun: 'Some',
      body: { metadata: { name: 'x' } },
    }),
    (err) => err instanceof ApiException && err.code === 400,
  );
});
