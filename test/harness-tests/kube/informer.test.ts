import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CoreV1Api, makeInformer } from '@kubernetes/client-node';
import type { KubeConfig, V1ConfigMap } from '@kubernetes/client-node';
import { startKubeApiServer } from '../../harness/kube/index.ts';
import type { KubeApiServer } from '../../harness/kube/index.ts';

let server: KubeApiServer;
let kc: KubeConfig;
let core: CoreV1Api;

before(async () => {
  server = await startKubeApiServer();
  kc = server.kubeConfig();
  core = kc.makeApiClient(CoreV1Api);
});
after(() => server.close());

async function until(cond: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('an informer whose resourceVersion expired gets 410, relists and recovers every object', async () => {
  const ns = 'inf';
  for (const name of ['a', 'b', 'c'])
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name } } });
  const informer = makeInformer<V1ConfigMap>(kc, `/api/v1/namespaces/${ns}/configmaps`, () =>
    core.listNamespacedConfigMap({ namespace: ns }),
  );
  const adds: string[] = [];
  const deletes: string[] = [];
  const errors: unknown[] = [];
  informer.on('add', (o) => adds.push(o.metadata?.name ?? ''));
  informer.on('delete', (o) => deletes.push(o.metadata?.name ?? ''));
  informer.on('error', (e) => errors.push(e));
  await informer.start();
  await until(() => server.watches.open.length === 1, 'the informer watch');
  assert.deepEqual(adds.sort(), ['a', 'b', 'c']);
  const listsBefore = server.requests.find('GET', /\/configmaps(\?(?!.*watch=)|$)/).length;

  // Hold the informer's next watch request while history moves on and is compacted.
  server.faults.latency(300, { path: /configmaps\?.*watch=true/, count: 1 });
  server.faults.dropWatches();
  await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'd' } } });
  await core.deleteNamespacedConfigMap({ name: 'a', namespace: ns });
  server.compactHistory();

  await until(() => adds.includes('d') && deletes.includes('a'), 'the relisted state');
  const listsAfter = server.requests.find('GET', /\/configmaps(\?(?!.*watch=)|$)/).length;
  assert.equal(listsAfter, listsBefore + 1, 'exactly one relist');
  const expiredWatch = server.requests
    .find('GET', /configmaps\?.*watch=true/)
    .find((r) => r.fault === 'latency');
  assert.ok(expiredWatch, 'the delayed watch request was the one that expired');
  assert.deepEqual(
    informer
      .list()
      .map((o) => o.metadata?.name)
      .sort(),
    ['b', 'c', 'd'],
  );
  assert.deepEqual(errors, [], 'a 410 is not an error for the informer');

  // And it keeps watching after the relist.
  await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'e' } } });
  await until(() => adds.includes('e'), 'a live event after the relist');
  await informer.stop();
});

test('an informer resumes from its resourceVersion after a clean drop, without relisting', async () => {
  const ns = 'inf2';
  const informer = makeInformer<V1ConfigMap>(kc, `/api/v1/namespaces/${ns}/configmaps`, () =>
    core.listNamespacedConfigMap({ namespace: ns }),
  );
  const seen: string[] = [];
  informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
  informer.on('update', (o) => seen.push(`update ${o.metadata?.name}`));
  await informer.start();
  await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'x' } } });
  await until(() => seen.length === 1, 'first add');
  const lists = server.requests.find(
    'GET',
    new RegExp(`/namespaces/${ns}/configmaps(\\?(?!.*watch=)|$)`),
  ).length;
  server.faults.dropWatches();
  await core.patchNamespacedConfigMap({
    name: 'x',
    namespace: ns,
    body: [{ op: 'add', path: '/data', value: { k: 'v' } }],
  });
  await until(() => seen.length === 2, 'the update made while disconnected');
  assert.deepEqual(seen, ['add x', 'update x']);
  assert.equal(
    server.requests.find('GET', new RegExp(`/namespaces/${ns}/configmaps(\\?(?!.*watch=)|$)`)).length,
    lists,
    'no relist',
  );
  await informer.stop();
});
