import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { startKubeApiServer } from '../../harness/kube/index.ts';
import type { KubeApiServer } from '../../harness/kube/index.ts';

let server: KubeApiServer;
let core: CoreV1Api;
let custom: CustomObjectsApi;

before(async () => {
  server = await startKubeApiServer();
  const kc = server.kubeConfig();
  core = kc.makeApiClient(CoreV1Api);
  custom = kc.makeApiClient(CustomObjectsApi);
});
after(() => server.close());

function statusOf(err: unknown): {
  code: number;
  body: { reason: string; message: string; kind: string; status: string };
} {
  assert.ok(err instanceof ApiException, `expected ApiException, got ${String(err)}`);
  return { code: err.code, body: JSON.parse(err.body as string) };
}

test('create, get, merge patch and delete a Secret over HTTPS with the real client', async () => {
  const created = await core.createNamespacedSecret({
    namespace: 'default',
    body: { metadata: { name: 'crud-a' }, stringData: { token: 'x' } },
  });
  assert.equal(created.metadata?.name, 'crud-a');
  assert.match(created.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
  assert.equal(created.data?.token, Buffer.from('x').toString('base64'));
  const rv1 = Number(created.metadata?.resourceVersion);

  const patched = await core.patchNamespacedSecret(
    { name: 'crud-a', namespace: 'default', body: { metadata: { annotations: { a: '1' } } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  assert.equal(patched.metadata?.annotations?.a, '1');
  assert.ok(Number(patched.metadata?.resourceVersion) > rv1);

  const read = await core.readNamespacedSecret({ name: 'crud-a', namespace: 'default' });
  assert.equal(read.metadata?.resourceVersion, patched.metadata?.resourceVersion);

  await core.deleteNamespacedSecret({ name: 'crud-a', namespace: 'default' });
  await assert.rejects(core.readNamespacedSecret({ name: 'crud-a', namespace: 'default' }), (err) => {
    const s = statusOf(err);
    assert.equal(s.code, 404);
    assert.equal(s.body.kind, 'Status');
    assert.equal(s.body.reason, 'NotFound');
    assert.equal(s.body.message, 'secrets "crud-a" not found');
    return true;
  });
});

test('a second create of the same name is 409 AlreadyExists; generateName picks a fresh name', async () => {
  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'dup' } } });
  await assert.rejects(
    core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'dup' } } }),
    (err) => {
      const s = statusOf(err);
      assert.equal(s.code, 409);
      assert.equal(s.body.reason, 'AlreadyExists');
      return true;
    },
  );
  const a = await core.createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { generateName: 'gen-' } },
  });
  const b = await core.createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { generateName: 'gen-' } },
  });
  assert.match(a.metadata?.name ?? '', /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.notEqual(a.metadata?.name, b.metadata?.name);
});

test('a stale update (PUT with an old resourceVersion) is 409 Conflict', async () => {
  const cm = await core.createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { name: 'stale' }, data: { n: '0' } },
  });
  await core.replaceNamespacedConfigMap({
    name: 'stale',
    namespace: 'default',
    body: { ...cm, data: { n: '1' } },
  });
  await assert.rejects(
    core.replaceNamespacedConfigMap({
      name: 'stale',
      namespace: 'default',
      body: { ...cm, data: { n: '2' } },
    }),
    (err) => {
      const s = statusOf(err);
      assert.equal(s.code, 409);
      assert.equal(s.body.reason, 'Conflict');
      assert.match(
        s.body.message,
        /the object has been modified; please apply your changes to the latest version/,
      );
      return true;
    },
  );
  const now = await core.readNamespacedConfigMap({ name: 'stale', namespace: 'default' });
  assert.equal(now.data?.n, '1');
});

test('tekton custom objects: namespaced create, all-namespaces list, generation on spec change only', async () => {
  const body = {
    apiVersion: 'tekton.dev/v1',
    kind: 'PipelineRun',
    metadata: { name: 'pr-1' },
    spec: { params: [] },
  };
  await custom.createNamespacedCustomObject({
    group: 'tekton.dev',
    version: 'v1',
    namespace: 'ns-a',
    plural: 'pipelineruns',
    body,
  });
  await custom.createNamespacedCustomObject({
    group: 'tekton.dev',
    version: 'v1',
    namespace: 'ns-b',
    plural: 'pipelineruns',
    body,
  });
  const all = await custom.listClusterCustomObject({
    group: 'tekton.dev',
    version: 'v1',
    plural: 'pipelineruns',
  });
  assert.deepEqual(all.items.map((i: { metadata: { namespace: string } }) => i.metadata.namespace).sort(), [
    'ns-a',
    'ns-b',
  ]);
  const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  const labelled = await custom.patchNamespacedCustomObject(
    {
      group: 'tekton.dev',
      version: 'v1',
      namespace: 'ns-a',
      plural: 'pipelineruns',
      name: 'pr-1',
      body: { metadata: { labels: { a: 'b' } } },
    },
    merge,
  );
  assert.equal(labelled.metadata.generation, 1);
  const specChanged = await custom.patchNamespacedCustomObject(
    {
      group: 'tekton.dev',
      version: 'v1',
      namespace: 'ns-a',
      plural: 'pipelineruns',
      name: 'pr-1',
      body: { spec: { timeouts: { pipeline: '1h' } } },
    },
    merge,
  );
  assert.equal(specChanged.metadata.generation, 2);
});

test('status subresource: main writes keep status, /status writes change only status', async () => {
  const co = { group: 'tekton.dev', version: 'v1', namespace: 'default', plural: 'taskruns' };
  const created = await custom.createNamespacedCustomObject({
    ...co,
    body: {
      apiVersion: 'tekton.dev/v1',
      kind: 'TaskRun',
      metadata: { name: 'tr' },
      spec: {},
      status: { podName: 'ignored' },
    },
  });
  assert.equal(created.status, undefined, 'status is dropped on create');
  const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  const withStatus = await custom.patchNamespacedCustomObjectStatus(
    { ...co, name: 'tr', body: { status: { podName: 'p' }, spec: { x: 1 } } },
    merge,
  );
  assert.equal(withStatus.status.podName, 'p');
  assert.equal(withStatus.spec.x, undefined, 'spec is ignored on /status');
  const main = await custom.patchNamespacedCustomObject(
    { ...co, name: 'tr', body: { status: { podName: 'q' } } },
    merge,
  );
  assert.equal(main.status.podName, 'p', 'status is ignored on the main resource');
});

test('KubernetesObjectApi works through discovery', async () => {
  const client = KubernetesObjectApi.makeApiClient(server.kubeConfig());
  const lease = await client.create({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'l', namespace: 'default' },
    spec: { holderIdentity: 'me' },
  });
  assert.equal(lease.metadata?.name, 'l');
  const ci: KubernetesObject = await client.create<KubernetesObject>({
    apiVersion: 'triggers.tekton.dev/v1alpha1',
    kind: 'ClusterInterceptor',
    metadata: { name: 'provenance' },
    spec: { clientConfig: {} },
  } as KubernetesObject);
  assert.equal(ci.metadata?.namespace, undefined, 'cluster-scoped');
  const read: KubernetesObject = await client.read<KubernetesObject>({
    apiVersion: 'triggers.tekton.dev/v1alpha1',
    kind: 'ClusterInterceptor',
    metadata: { name: 'provenance' },
  });
  assert.equal(read.metadata?.uid, ci.metadata?.uid);
});

test('objects: direct seeding is visible over HTTP and HTTP writes are visible directly', async () => {
  server.objects.put({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'seeded', namespace: 'default' },
    data: { k: 'dg==' },
  });
  const read = await core.readNamespacedSecret({ name: 'seeded', namespace: 'default' });
  assert.equal(read.data?.k, 'dg==');
  await core.createNamespacedServiceAccount({ namespace: 'default', body: { metadata: { name: 'sa' } } });
  assert.equal(server.objects.get('v1', 'ServiceAccount', 'default', 'sa')?.metadata.name, 'sa');
});

test('plain HTTP mode works too; a request without the right bearer token is 401', async () => {
  const plain = await startKubeApiServer({ tls: false });
  try {
    assert.match(plain.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${plain.url}/api/v1/namespaces/default/secrets`, {
      headers: { authorization: 'Bearer wrong' },
    });
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { reason: string }).reason, 'Unauthorized');
    const list = await plain
      .kubeConfig()
      .makeApiClient(CoreV1Api)
      .listNamespacedSecret({ namespace: 'default' });
    assert.deepEqual(list.items, []);
  } finally {
    await plain.close();
  }
});

test('requireNamespaces: create into a missing namespace is 404, into a terminating one 403', async () => {
  const strict = await startKubeApiServer({ requireNamespaces: true });
  try {
    const c = strict.kubeConfig().makeApiClient(CoreV1Api);
    await assert.rejects(
      c.createNamespacedConfigMap({ namespace: 'nope', body: { metadata: { name: 'x' } } }),
      (err) => {
        const s = statusOf(err);
        assert.equal(s.code, 404);
        assert.equal(s.body.message, 'namespaces "nope" not found');
        return true;
      },
    );
    await c.createNamespace({ body: { metadata: { name: 'nope', finalizers: ['example.dev/hold'] } } });
    await c.createNamespacedConfigMap({ namespace: 'nope', body: { metadata: { name: 'x' } } });
    await c.deleteNamespace({ name: 'nope' });
    await assert.rejects(
      c.createNamespacedConfigMap({ namespace: 'nope', body: { metadata: { name: 'y' } } }),
      (err) => {
        const s = statusOf(err);
        assert.equal(s.code, 403);
        assert.match(
          s.body.message,
          /unable to create new content in namespace nope because it is being terminated/,
        );
        return true;
      },
    );
  } finally {
    await strict.close();
  }
});

test('objects.waitFor resolves on the write that satisfies it and rejects when the predicate throws', async () => {
  const waiting = server.objects.waitFor<{ data?: Record<string, string> }>(
    'v1',
    'ConfigMap',
    'default',
    'wait',
    (cm) => cm?.data?.ready === 'yes',
    30_000,
  );
  await core.createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { name: 'wait' }, data: { ready: 'no' } },
  });
  await core.replaceNamespacedConfigMap({
    name: 'wait',
    namespace: 'default',
    body: { metadata: { name: 'wait' }, data: { ready: 'yes' } },
  });
  assert.equal((await waiting)?.data?.ready, 'yes');
  const throwing = server.objects.waitFor('v1', 'ConfigMap', 'default', 'boom', (cm) => {
    if (cm !== undefined) throw new Error('predicate failed');
    return false;
  });
  const rejected = assert.rejects(throwing, /predicate failed/);
  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'boom' } } });
  await rejected;
  await assert.rejects(
    server.objects.waitFor('v1', 'ConfigMap', 'default', 'never', (cm) => cm !== undefined, 50),
    /timed out/,
  );
});
