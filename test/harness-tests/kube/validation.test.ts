import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiException, CoordinationV1Api, CoreV1Api } from '@kubernetes/client-node';
import { SECRET_CONFIGMAP_LIMIT_BYTES, startKubeApiServer } from '../../harness/kube/index.ts';
import type { KubeApiServer } from '../../harness/kube/index.ts';
import { rawRequest } from './raw-http.ts';

let server: KubeApiServer;
let core: CoreV1Api;
let coordination: CoordinationV1Api;

before(async () => {
  server = await startKubeApiServer();
  const kc = server.kubeConfig();
  core = kc.makeApiClient(CoreV1Api);
  coordination = kc.makeApiClient(CoordinationV1Api);
});
after(() => server.close());

function invalid(err: unknown): { message: string; details: { causes: Array<{ field: string }> } } {
  assert.ok(err instanceof ApiException, String(err));
  assert.equal(err.code, 422);
  return JSON.parse(err.body as string) as { message: string; details: { causes: Array<{ field: string }> } };
}

test('a Secret over 1 MiB of data is 422, like corev1.MaxSecretSize', async () => {
  const big = Buffer.alloc(SECRET_CONFIGMAP_LIMIT_BYTES + 1, 1).toString('base64');
  await assert.rejects(
    core.createNamespacedSecret({
      namespace: 'default',
      body: { metadata: { name: 'huge' }, data: { blob: big } },
    }),
    (err) => {
      assert.equal(
        invalid(err).message,
        'Secret "huge" is invalid: data: Too long: must have at most 1048576 bytes',
      );
      return true;
    },
  );
  const fits = Buffer.alloc(SECRET_CONFIGMAP_LIMIT_BYTES, 1).toString('base64');
  await core.createNamespacedSecret({
    namespace: 'default',
    body: { metadata: { name: 'fits' }, data: { blob: fits } },
  });
});

test('an invalid name is 422; a missing name without generateName is 422', async () => {
  await assert.rejects(
    core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'Not_Valid' } } }),
    (err) => invalid(err).details.causes[0]?.field === 'metadata.name',
  );
  await assert.rejects(
    core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: {} } }),
    (err) => /name or generateName is required/.test(invalid(err).message),
  );
});

test('a request body over 3 MiB is 413; malformed JSON is 400', async () => {
  const body = JSON.stringify({ metadata: { name: 'x' }, data: { a: 'x'.repeat(3 * 1024 * 1024) } });
  const res = await rawRequest(server, 'POST', '/api/v1/namespaces/default/configmaps', {
    body,
    headers: { 'content-type': 'application/json' },
  }).catch((err: NodeJS.ErrnoException) => ({ status: err.code, text: '' }));
  // The server answers 413 and stops reading; the client may see the answer or a reset.
  assert.ok(
    res.status === 413 || res.status === 'ECONNRESET' || res.status === 'EPIPE',
    `got ${String(res.status)}`,
  );
  const bad = await rawRequest(server, 'POST', '/api/v1/namespaces/default/configmaps', {
    body: '{"metadata":',
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(bad.status, 400);
  assert.equal((JSON.parse(bad.text) as { reason: string }).reason, 'BadRequest');
});

test('leases through CoordinationV1Api: renew with the resourceVersion; a stale competitor gets 409', async () => {
  const lease = await coordination.createNamespacedLease({
    namespace: 'default',
    body: {
      metadata: { name: 'provenance-controller' },
      spec: {
        holderIdentity: 'replica-a',
        leaseDurationSeconds: 15,
        acquireTime: new Date(),
        renewTime: new Date(),
      },
    },
  });
  assert.equal(lease.spec?.holderIdentity, 'replica-a');
  assert.match(
    String(
      server.objects.get<{ spec?: { renewTime?: string } }>(
        'coordination.k8s.io/v1',
        'Lease',
        'default',
        'provenance-controller',
      )?.spec?.renewTime,
    ),
    /^\d{4}-\d{2}-\d{2}T/,
  );
  const renewed = await coordination.replaceNamespacedLease({
    name: 'provenance-controller',
    namespace: 'default',
    body: { ...lease, spec: { ...lease.spec, renewTime: new Date() } },
  });
  await assert.rejects(
    coordination.replaceNamespacedLease({
      name: 'provenance-controller',
      namespace: 'default',
      body: { ...lease, spec: { ...lease.spec, holderIdentity: 'replica-b' } },
    }),
    (err) => err instanceof ApiException && err.code === 409,
  );
  const now = await coordination.readNamespacedLease({ name: 'provenance-controller', namespace: 'default' });
  assert.equal(now.spec?.holderIdentity, 'replica-a');
  assert.equal(now.metadata?.resourceVersion, renewed.metadata?.resourceVersion);
});

test('a body whose apiVersion or kind does not match the URL is 400, as the apiserver decodes by URL', async () => {
  const wrongVersion = JSON.stringify({
    apiVersion: 'tekton.dev/v1beta1',
    kind: 'PipelineRun',
    metadata: { name: 'x' },
    spec: {},
  });
  const res = await rawRequest(server, 'POST', '/apis/tekton.dev/v1/namespaces/default/pipelineruns', {
    body: wrongVersion,
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(res.status, 400);
  assert.match(
    res.text,
    /the API version in the data \(tekton.dev\/v1beta1\) does not match the expected API version \(tekton.dev\/v1\)/,
  );
  const wrongKind = JSON.stringify({
    apiVersion: 'tekton.dev/v1',
    kind: 'TaskRun',
    metadata: { name: 'x' },
    spec: {},
  });
  const res2 = await rawRequest(server, 'POST', '/apis/tekton.dev/v1/namespaces/default/pipelineruns', {
    body: wrongKind,
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(res2.status, 400);
});

test('a body nested deeper than the decoder limit is 400, not a crash', async () => {
  const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
  const body = `{"metadata":{"name":"deep"},"data":{},"x":${deep}}`;
  const res = await rawRequest(server, 'POST', '/api/v1/namespaces/default/configmaps', {
    body,
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(res.status, 400);
  const patch = await rawRequest(server, 'PATCH', '/api/v1/namespaces/default/secrets/fits', {
    body: deep,
    headers: { 'content-type': 'application/merge-patch+json' },
  });
  assert.equal(patch.status, 400);
});
