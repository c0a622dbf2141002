import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiException, CustomObjectsApi } from '@kubernetes/client-node';
import { startKubeApiServer } from '../../harness/kube/index.ts';
import type { KubeApiServer, StoredObject } from '../../harness/kube/index.ts';

let server: KubeApiServer;
let custom: CustomObjectsApi;

before(async () => {
  server = await startKubeApiServer();
  custom = server.kubeConfig().makeApiClient(CustomObjectsApi);
});
after(() => server.close());

function owner(run: StoredObject): Record<string, unknown> {
  return {
    apiVersion: 'tekton.dev/v1',
    kind: 'PipelineRun',
    name: run.metadata.name,
    uid: run.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

function seed(ns: string): StoredObject {
  const run = server.objects.put({
    apiVersion: 'tekton.dev/v1',
    kind: 'PipelineRun',
    metadata: { name: 'run', namespace: ns },
    spec: {},
  });
  server.objects.put({
    apiVersion: 'tekton.dev/v1',
    kind: 'TaskRun',
    metadata: { name: 'run-a', namespace: ns, ownerReferences: [owner(run)] },
    spec: {},
  });
  server.objects.put({
    apiVersion: 'tekton.dev/v1',
    kind: 'TaskRun',
    metadata: {
      name: 'run-b',
      namespace: ns,
      ownerReferences: [owner(run)],
      finalizers: ['chains.tekton.dev'],
    },
    spec: {},
  });
  server.objects.put({
    apiVersion: 'tekton.dev/v1',
    kind: 'TaskRun',
    metadata: { name: 'unrelated', namespace: ns },
    spec: {},
  });
  return run;
}

const taskRuns = (ns: string) => server.objects.list('tekton.dev/v1', 'TaskRun', ns);

test('deleting a PipelineRun deletes the TaskRuns it owns (background); finalizers still hold a child', async () => {
  seed('gc1');
  await custom.deleteNamespacedCustomObject({
    group: 'tekton.dev',
    version: 'v1',
    namespace: 'gc1',
    plural: 'pipelineruns',
    name: 'run',
  });
  const left = taskRuns('gc1');
  assert.deepEqual(left.map((t) => t.metadata.name).sort(), ['run-b', 'unrelated']);
  assert.ok(
    left.find((t) => t.metadata.name === 'run-b')?.metadata.deletionTimestamp,
    'the finalized child is being deleted',
  );
  await assert.rejects(
    custom.getNamespacedCustomObject({
      group: 'tekton.dev',
      version: 'v1',
      namespace: 'gc1',
      plural: 'taskruns',
      name: 'run-a',
    }),
    (err) => err instanceof ApiException && err.code === 404,
  );
});

test('propagationPolicy Orphan keeps the children and removes their ownerReference', async () => {
  seed('gc2');
  await custom.deleteNamespacedCustomObject({
    group: 'tekton.dev',
    version: 'v1',
    namespace: 'gc2',
    plural: 'pipelineruns',
    name: 'run',
    propagationPolicy: 'Orphan',
  });
  const left = taskRuns('gc2');
  assert.equal(left.length, 3);
  assert.ok(left.every((t) => t.metadata.ownerReferences === undefined));
});

test('a child with a second live owner survives; an unknown policy is 400', async () => {
  const run = seed('gc3');
  const other = server.objects.put({
    apiVersion: 'tekton.dev/v1',
    kind: 'PipelineRun',
    metadata: { name: 'other', namespace: 'gc3' },
    spec: {},
  });
  server.objects.put({
    apiVersion: 'tekton.dev/v1',
    kind: 'TaskRun',
    metadata: { name: 'shared', namespace: 'gc3', ownerReferences: [owner(run), owner(other)] },
    spec: {},
  });
  await assert.rejects(
    custom.deleteNamespacedCustomObject({
      group: 'tekton.dev',
      version: 'v1',
      namespace: 'gc3',
      plural: 'pipelineruns',
      name: 'run',
      propagationPolicy: 'Sometimes',
    }),
    (err) => err instanceof ApiException && err.code === 400,
  );
  await custom.deleteNamespacedCustomObject({
    group: 'tekton.dev',
    version: 'v1',
    namespace: 'gc3',
    plural: 'pipelineruns',
    name: 'run',
  });
  assert.ok(taskRuns('gc3').some((t) => t.metadata.name === 'shared'));
  await custom.deleteNamespacedCustomObject({
    group: 'tekton.dev',
    version: 'v1',
    namespace: 'gc3',
    plural: 'pipelineruns',
    name: 'other',
  });
  assert.ok(!taskRuns('gc3').some((t) => t.metadata.name === 'shared'));
});
