import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { ANNOTATIONS_LIMIT_BYTES, startKubeApiServer } from '../../harness/kube/index.ts';
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

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
const apply = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);

interface StatusBody {
  reason: string;
  message: string;
  code: number;
  details?: { causes?: Array<{ field?: string; reason?: string; type?: string; message?: string }> };
}

function status(err: unknown, code: number): StatusBody {
  assert.ok(err instanceof ApiException, String(err));
  assert.equal(err.code, code);
  const body = JSON.parse(err.body as string) as StatusBody;
  assert.equal(body.code, code);
  return body;
}

test('an annotation patch over the 256 KiB total is 422 Invalid, worded like the apiserver', async () => {
  await core.createNamespacedSecret({
    namespace: 'default',
    body: { metadata: { name: 'big', annotations: { a: 'x'.repeat(200_000) } } },
  });
  const tooMuch = { metadata: { annotations: { b: 'y'.repeat(ANNOTATIONS_LIMIT_BYTES - 200_000) } } }; // + key bytes > limit
  await assert.rejects(
    core.patchNamespacedSecret({ name: 'big', namespace: 'default', body: tooMuch }, merge),
    (err) => {
      const s = status(err, 422);
      assert.equal(s.reason, 'Invalid');
      assert.equal(
        s.message,
        'Secret "big" is invalid: metadata.annotations: Too long: must have at most 262144 bytes',
      );
      assert.equal(s.details?.causes?.[0]?.field, 'metadata.annotations');
      assert.equal(s.details?.causes?.[0]?.reason, 'FieldValueTooLong');
      return true;
    },
  );
  // Exactly at the limit is fine (keys count: "a" + "b").
  const fits = { metadata: { annotations: { b: 'y'.repeat(ANNOTATIONS_LIMIT_BYTES - 200_000 - 2) } } };
  await core.patchNamespacedSecret({ name: 'big', namespace: 'default', body: fits }, merge);
});

test('JSON patch: a failing test op is 422 and applies nothing; a passing one applies all ops', async () => {
  await core.createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { name: 'jp', annotations: { state: 'pending' } }, data: { a: '1' } },
  });
  const ops = (expect: string) => [
    { op: 'test', path: '/metadata/annotations/state', value: expect },
    { op: 'replace', path: '/metadata/annotations/state', value: 'done' },
    { op: 'add', path: '/data/b', value: '2' },
  ];
  await assert.rejects(
    core.patchNamespacedConfigMap({ name: 'jp', namespace: 'default', body: ops('other') }, jsonPatch),
    (err) => {
      assert.match(status(err, 422).message, /testing value \/metadata\/annotations\/state failed/);
      return true;
    },
  );
  assert.deepEqual(
    (server.objects.get('v1', 'ConfigMap', 'default', 'jp') as { data: Record<string, string> }).data,
    { a: '1' },
  );
  const done = await core.patchNamespacedConfigMap(
    { name: 'jp', namespace: 'default', body: ops('pending') },
    jsonPatch,
  );
  assert.equal(done.metadata?.annotations?.state, 'done');
  assert.deepEqual(done.data, { a: '1', b: '2' });
  // A path that does not exist is 422 too; escaped keys (~1 for /) work.
  await assert.rejects(
    core.patchNamespacedConfigMap(
      { name: 'jp', namespace: 'default', body: [{ op: 'remove', path: '/data/nope' }] },
      jsonPatch,
    ),
    (err) => status(err, 422) !== undefined,
  );
  const escaped = await core.patchNamespacedConfigMap(
    {
      name: 'jp',
      namespace: 'default',
      body: [{ op: 'add', path: '/metadata/annotations/example.dev~1key', value: 'v' }],
    },
    jsonPatch,
  );
  assert.equal(escaped.metadata?.annotations?.['example.dev/key'], 'v');
});

test('a merge patch carrying a stale resourceVersion is 409; unsupported content type is 415', async () => {
  const cm = await core.createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { name: 'pre' } },
  });
  await core.patchNamespacedConfigMap(
    { name: 'pre', namespace: 'default', body: { data: { a: '1' } } },
    merge,
  );
  const stale = { metadata: { resourceVersion: cm.metadata?.resourceVersion }, data: { a: '2' } };
  await assert.rejects(
    core.patchNamespacedConfigMap({ name: 'pre', namespace: 'default', body: stale }, merge),
    (err) => status(err, 409).reason === 'Conflict',
  );
  const { rawRequest } = await import('./raw-http.ts');
  const res = await rawRequest(server, 'PATCH', '/api/v1/namespaces/default/configmaps/pre', {
    body: '{}',
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(res.status, 415);
});

test('strategic merge patch: labels merge, finalizers merge as a set and can be removed by directive', async () => {
  await core.createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { name: 'smp', labels: { a: '1' }, finalizers: ['x.dev/one'] } },
  });
  const p1 = await core.patchNamespacedConfigMap(
    {
      name: 'smp',
      namespace: 'default',
      body: { metadata: { labels: { b: '2' }, finalizers: ['x.dev/two', 'x.dev/one'] } },
    },
    strategic,
  );
  assert.deepEqual(p1.metadata?.labels, { a: '1', b: '2' });
  assert.deepEqual(p1.metadata?.finalizers, ['x.dev/one', 'x.dev/two']);
  const p2 = await core.patchNamespacedConfigMap(
    {
      name: 'smp',
      namespace: 'default',
      body: {
        metadata: { labels: { a: null }, '$deleteFromPrimitiveList/finalizers': ['x.dev/one', 'x.dev/two'] },
      },
    },
    strategic,
  );
  assert.deepEqual(p2.metadata?.labels, { b: '2' });
  assert.equal(p2.metadata?.finalizers, undefined);
});

test('server-side apply: creates, records managedFields, conflicts with another manager unless forced', async () => {
  const co = {
    group: 'triggers.tekton.dev',
    version: 'v1alpha1',
    plural: 'clusterinterceptors',
    name: 'prov',
  };
  const config = (caBundle: string) => ({
    apiVersion: 'triggers.tekton.dev/v1alpha1',
    kind: 'ClusterInterceptor',
    metadata: { name: 'prov', labels: { app: 'prov' } },
    spec: { clientConfig: { caBundle, service: { name: 'svc', namespace: 'ns' } } },
  });
  const created = await custom.patchClusterCustomObject(
    { ...co, body: config('AAA'), fieldManager: 'installer' },
    apply,
  );
  assert.equal(created.spec.clientConfig.caBundle, 'AAA');
  const entry = created.metadata.managedFields.find((e: { manager: string }) => e.manager === 'installer');
  assert.equal(entry.operation, 'Apply');
  assert.deepEqual(entry.fieldsV1['f:spec']['f:clientConfig']['f:caBundle'], {});

  // Another manager applying a different caBundle conflicts.
  await assert.rejects(
    custom.patchClusterCustomObject({ ...co, body: config('BBB'), fieldManager: 'interceptor' }, apply),
    (err) => {
      const s = status(err, 409);
      assert.equal(s.reason, 'Conflict');
      assert.match(s.message, /^Apply failed with \d+ conflicts?: conflict with "installer"/);
      assert.ok(
        s.details?.causes?.some(
          (c) => c.type === 'FieldManagerConflict' && c.field === '.spec.clientConfig.caBundle',
        ),
      );
      return true;
    },
  );
  // Applying the same value is no conflict (shared ownership); force takes the field over.
  await custom.patchClusterCustomObject(
    {
      ...co,
      body: {
        apiVersion: 'triggers.tekton.dev/v1alpha1',
        kind: 'ClusterInterceptor',
        metadata: { name: 'prov' },
        spec: { clientConfig: { caBundle: 'AAA' } },
      },
      fieldManager: 'interceptor',
    },
    apply,
  );
  const forced = await custom.patchClusterCustomObject(
    {
      ...co,
      body: {
        apiVersion: 'triggers.tekton.dev/v1alpha1',
        kind: 'ClusterInterceptor',
        metadata: { name: 'prov' },
        spec: { clientConfig: { caBundle: 'BBB' } },
      },
      fieldManager: 'interceptor',
      force: true,
    },
    apply,
  );
  assert.equal(forced.spec.clientConfig.caBundle, 'BBB');
  const installer = forced.metadata.managedFields.find((e: { manager: string }) => e.manager === 'installer');
  assert.equal(
    installer.fieldsV1['f:spec']['f:clientConfig']['f:caBundle'],
    undefined,
    'the installer lost the field',
  );

  // A field the installer stops applying (and nobody else owns) is removed.
  const pruned = await custom.patchClusterCustomObject(
    {
      ...co,
      body: {
        apiVersion: 'triggers.tekton.dev/v1alpha1',
        kind: 'ClusterInterceptor',
        metadata: { name: 'prov' },
        spec: { clientConfig: { service: { name: 'svc', namespace: 'ns' } } },
      },
      fieldManager: 'installer',
    },
    apply,
  );
  assert.equal(pruned.metadata.labels, undefined);
  assert.equal(pruned.spec.clientConfig.caBundle, 'BBB', 'still owned by the interceptor');
});

test('server-side apply conflicts with a field set by an Update of another manager; fieldManager is required', async () => {
  await core.createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { name: 'ssa-upd' }, data: { k: 'from-update' } },
  });
  const body = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'ssa-upd' },
    data: { k: 'from-apply' },
  };
  await assert.rejects(
    core.patchNamespacedConfigMap(
      { name: 'ssa-upd', namespace: 'default', body, fieldManager: 'applier' },
      apply,
    ),
    (err) => {
      assert.match(status(err, 409).message, /conflict with "kubernetes-client-javascript"/);
      return true;
    },
  );
  await assert.rejects(
    core.patchNamespacedConfigMap({ name: 'ssa-upd', namespace: 'default', body }, apply),
    (err) => status(err, 400).reason === 'BadRequest',
  );
});
