import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ApiException,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from '@kubernetes/client-node';
import { startKubeApiServer } from '../../harness/kube/index.ts';
import type { KubeApiServer } from '../../harness/kube/index.ts';

let server: KubeApiServer;
let custom: CustomObjectsApi;

before(async () => {
  server = await startKubeApiServer();
  custom = server.kubeConfig().makeApiClient(CustomObjectsApi);
});
after(() => server.close());

const runs = { group: 'tekton.dev', version: 'v1', namespace: 'default', plural: 'pipelineruns' };
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

test('a finalizer delays deletion until it is removed; watchers see MODIFIED then DELETED', async () => {
  await custom.createNamespacedCustomObject({
    ...runs,
    body: {
      apiVersion: 'tekton.dev/v1',
      kind: 'PipelineRun',
      metadata: { name: 'fin', finalizers: ['chains.tekton.dev/pipelinerun'] },
      spec: {},
    },
  });
  const events: Array<{ type: string; deletionTimestamp?: string }> = [];
  const req = await new Watch(server.kubeConfig()).watch(
    '/apis/tekton.dev/v1/namespaces/default/pipelineruns',
    { resourceVersion: server.resourceVersion() },
    (type, obj: { metadata: { deletionTimestamp?: string } }) =>
      events.push({ type, deletionTimestamp: obj.metadata.deletionTimestamp }),
    () => {},
  );

  const deleting = await custom.deleteNamespacedCustomObject({ ...runs, name: 'fin' });
  assert.ok(deleting.metadata.deletionTimestamp, 'the delete answers the object, now marked for deletion');
  const still = await custom.getNamespacedCustomObject({ ...runs, name: 'fin' });
  assert.ok(still.metadata.deletionTimestamp, 'the object still exists while the finalizer is there');

  // No new finalizer may be added while deleting.
  await assert.rejects(
    custom.patchNamespacedCustomObject(
      {
        ...runs,
        name: 'fin',
        body: { metadata: { finalizers: ['chains.tekton.dev/pipelinerun', 'other/x'] } },
      },
      merge,
    ),
    (err) => err instanceof ApiException && err.code === 422,
  );
  // Other updates still work while deleting.
  await custom.patchNamespacedCustomObject(
    { ...runs, name: 'fin', body: { metadata: { annotations: { signed: 'true' } } } },
    merge,
  );

  await custom.patchNamespacedCustomObject(
    { ...runs, name: 'fin', body: { metadata: { finalizers: null } } },
    merge,
  );
  await assert.rejects(
    custom.getNamespacedCustomObject({ ...runs, name: 'fin' }),
    (err) => err instanceof ApiException && err.code === 404,
  );
  const deadline = Date.now() + 30_000;
  while (events.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  req.abort();
  assert.deepEqual(
    events.map((e) => e.type),
    ['MODIFIED', 'MODIFIED', 'DELETED'],
  );
  assert.ok(events.every((e) => e.deletionTimestamp !== undefined));
});

test('delete preconditions: a stale resourceVersion is 409', async () => {
  const created = await custom.createNamespacedCustomObject({
    ...runs,
    body: { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', metadata: { name: 'pre' }, spec: {} },
  });
  await custom.patchNamespacedCustomObject(
    { ...runs, name: 'pre', body: { metadata: { labels: { a: 'b' } } } },
    merge,
  );
  await assert.rejects(
    custom.deleteNamespacedCustomObject({
      ...runs,
      name: 'pre',
      body: { preconditions: { resourceVersion: created.metadata.resourceVersion } },
    }),
    (err) => err instanceof ApiException && err.code === 409,
  );
  await custom.deleteNamespacedCustomObject({ ...runs, name: 'pre' });
});
