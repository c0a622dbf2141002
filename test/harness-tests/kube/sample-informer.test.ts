import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { startKubeApiServer } from '../../harness/kube/index.ts';
import type { KubeApiServer } from '../../harness/kube/index.ts';
import { FinishedRunInformer } from './sample-informer.ts';
import type { FinishedRun } from './sample-informer.ts';

let server: KubeApiServer;
let custom: CustomObjectsApi;

before(async () => {
  server = await startKubeApiServer();
  custom = server.kubeConfig().makeApiClient(CustomObjectsApi);
});
after(() => server.close());

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const runs = { group: 'tekton.dev', version: 'v1', plural: 'pipelineruns' };

async function finishRun(namespace: string, name: string, status: 'True' | 'False'): Promise<void> {
  await custom.createNamespacedCustomObject({
    ...runs,
    namespace,
    body: { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', metadata: { name }, spec: {} },
  });
  const condition = (s: string) => ({
    status: { conditions: [{ type: 'Succeeded', status: s, reason: s === 'Unknown' ? 'Running' : 'Done' }] },
  });
  await custom.patchNamespacedCustomObjectStatus(
    { ...runs, namespace, name, body: condition('Unknown') },
    merge,
  );
  await custom.patchNamespacedCustomObjectStatus(
    { ...runs, namespace, name, body: condition(status) },
    merge,
  );
}

async function until(cond: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('the sample informer runs unchanged against the server: each finished run once, through an outage and an expiry', async () => {
  const kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfigPath); // exactly how production code loads its config
  const finished: FinishedRun[] = [];
  const informer = new FinishedRunInformer(kc, { onFinished: (r) => finished.push(r), restartDelayMs: 100 });
  await finishRun('team-a', 'before-start', 'True');
  await informer.start();
  await finishRun('team-b', 'live', 'False');
  await until(() => finished.length === 2, 'two finished runs');
  assert.deepEqual(finished.map((r) => `${r.namespace}/${r.name}:${r.succeeded}`).sort(), [
    'team-a/before-start:true',
    'team-b/live:false',
  ]);

  // A real outage: the listener closes, connections are refused, the informer errors and restarts.
  await server.faults.outage(300, 'refuse');
  await finishRun('team-a', 'after-outage', 'True');
  await until(() => finished.length === 3, 'the run finished after the outage');
  assert.ok(informer.restarts >= 1, 'it restarted after the error');

  // An expired resourceVersion: it relists and still reports nothing twice.
  server.faults.latency(200, { path: /pipelineruns\?.*watch=true/, count: 1 });
  server.faults.dropWatches();
  await finishRun('team-c', 'during-gap', 'True');
  server.compactHistory();
  await until(() => finished.length === 4, 'the run finished while the watch was gone');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(new Set(finished.map((r) => r.uid)).size, finished.length, 'no duplicates');
  assert.equal(informer.cached().length, 4);
  await informer.stop();
});
