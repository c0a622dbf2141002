import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CustomObjectsApi, ListWatch, Watch } from '@kubernetes/client-node';
import type { KubernetesObject } from '@kubernetes/client-node';
import { kitchenSinkRun, runPipeline, simpleBuildBehaviour, simpleBuildRun } from '../../harness/tekton/index.ts';
import { isProvenanceError } from '../../../signer/errors.ts';
import { startKubeApiServer } from '../../harness/kube/index.ts';
import type { KubeApiServer } from '../../harness/kube/index.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const cond = (o: Json): Json => o['status']['conditions'][0];

describe('run simulator against the Kubernetes API test server (real client-node)', () => {
  let kube: KubeApiServer;
  before(async () => {
    const t = Date.now();
    kube = await startKubeApiServer();
    console.log(`kube API server start: ${Date.now() - t} ms`);
  });
  after(async () => {
    const t = Date.now();
    await kube.close();
    console.log(`kube API server stop: ${Date.now() - t} ms`);
  });

  test('simple-build: the server ends with the simulated objects, children owned by the real uid', async () => {
    const t = Date.now();
    const run = await runPipeline(kube.kubeConfig(), simpleBuildRun({ namespace: 'ci' }));
    console.log(`simple-build driven in ${Date.now() - t} ms (${run.applied.length} writes)`);
    const pr = kube.objects.get('tekton.dev/v1', 'PipelineRun', 'ci', 'simple-build-run-x7k2p') as Json;
    assert.equal(pr['metadata']['uid'], run.uid);
    assert.deepEqual(pr['status'], run.sim.final(run.uid).pipelineRun['status']);
    for (const expected of run.sim.final(run.uid).taskRuns as Json[]) {
      const tr = kube.objects.get('tekton.dev/v1', 'TaskRun', 'ci', expected['metadata']['name']) as Json;
      assert.deepEqual(tr['status'], expected['status']);
      assert.deepEqual(tr['spec'], expected['spec']);
      assert.equal(tr['metadata']['ownerReferences'][0]['uid'], run.uid);
      assert.equal(tr['metadata']['labels']['tekton.dev/pipelineRunUID'], run.uid);
    }
  });

  test('an informer from client-node sees Running then Succeeded', async () => {
    const kc = kube.kubeConfig();
    const api = kc.makeApiClient(CustomObjectsApi);
    const path = '/apis/tekton.dev/v1/namespaces/watched/pipelineruns';
    const seen: string[] = [];
    const informer = new ListWatch<KubernetesObject>(path, new Watch(kc), () => api.listNamespacedCustomObject({ group: 'tekton.dev', version: 'v1', namespace: 'watched', plural: 'pipelineruns' }) as never, false);
    informer.on('update', (o) => {
      const c = (o as Json)['status']?.['conditions']?.[0];
      if (c) seen.push(c['reason']);
    });
    await informer.start();
    await runPipeline(kc, simpleBuildRun({ namespace: 'watched' }), { stepDelayMs: 5 });
    await kube.objects.waitFor('tekton.dev/v1', 'PipelineRun', 'watched', 'simple-build-run-x7k2p', (o) => (o as Json)['status']?.['completionTime'] !== undefined, 2000);
    const deadline = Date.now() + 2000;
    while (seen.at(-1) !== 'Succeeded' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await informer.stop();
    assert.equal(seen[0], 'Running');
    assert.equal(seen.at(-1), 'Succeeded');
  });

  test('beforeOp can stop mid-run: the server holds a running PipelineRun', async () => {
    const run = await runPipeline(kube.kubeConfig(), simpleBuildRun({ namespace: 'paused' }), { beforeOp: (op) => op.offset < 30 });
    const pr = kube.objects.get('tekton.dev/v1', 'PipelineRun', 'paused', 'simple-build-run-x7k2p') as Json;
    assert.equal(cond(pr)['reason'], 'Running');
    assert.ok(run.applied.every((op) => op.offset < 30));
    assert.equal(kube.objects.list('tekton.dev/v1', 'TaskRun', 'paused').length, 3);
  });

  test('a deleted child is gone from the server but still referenced', async () => {
    const b = simpleBuildBehaviour();
    b['image-build'] = { ...b['image-build'], deleteBeforeCompletion: true };
    await runPipeline(kube.kubeConfig(), simpleBuildRun({ namespace: 'deleted', behaviour: b }));
    const pr = kube.objects.get('tekton.dev/v1', 'PipelineRun', 'deleted', 'simple-build-run-x7k2p') as Json;
    assert.ok(pr['status']['childReferences'].some((c: Json) => c['name'] === 'simple-build-run-x7k2p-image-build'));
    assert.equal(kube.objects.get('tekton.dev/v1', 'TaskRun', 'deleted', 'simple-build-run-x7k2p-image-build'), undefined);
    assert.equal(cond(pr)['status'], 'False');
  });

  test('adopt: runs a PipelineRun someone else created (triggers labels and annotations kept)', async () => {
    const kc = kube.kubeConfig();
    const api = kc.makeApiClient(CustomObjectsApi);
    const made = (await api.createNamespacedCustomObject({
      group: 'tekton.dev', version: 'v1', namespace: 'adopt', plural: 'pipelineruns',
      body: {
        apiVersion: 'tekton.dev/v1', kind: 'PipelineRun',
        metadata: { generateName: 'build-', labels: { 'triggers.tekton.dev/triggers-eventid': 'e-1' }, annotations: { 'tekton-provenance.dev/event-digest': 'sha256:00' } },
        spec: { pipelineRef: { name: 'simple-build' }, params: [{ name: 'repo-url', value: 'https://example.com/x.git' }, { name: 'image', value: 'registry.example.com/x' }] },
      },
    })) as Json;
    const name = made['metadata']['name'];
    const run = await runPipeline(kc, simpleBuildRun({ namespace: 'adopt', name, params: made['spec']['params'] }), { adopt: true, mergeStatus: true });
    assert.equal(run.uid, made['metadata']['uid']);
    const pr = kube.objects.get('tekton.dev/v1', 'PipelineRun', 'adopt', name) as Json;
    assert.equal(cond(pr)['reason'], 'Succeeded');
    assert.equal(pr['metadata']['labels']['triggers.tekton.dev/triggers-eventid'], 'e-1');
    assert.equal(pr['metadata']['annotations']['tekton-provenance.dev/event-digest'], 'sha256:00');
    assert.equal(kube.objects.list('tekton.dev/v1', 'TaskRun', 'adopt').length, 4);
    assert.ok(kube.requests.find('PATCH', /\/namespaces\/adopt\/pipelineruns\/[^/]+\/status$/), 'merge-patched status');
  });

  test('status writes survive conflicts (re-read, re-apply) and give up with RUN_WRITE_FAILED', async () => {
    const conflicts = kube.faults.conflictNext(2, { method: 'PUT', path: /\/namespaces\/conflict\/taskruns\/[^/]+\/status/ });
    await runPipeline(kube.kubeConfig(), simpleBuildRun({ namespace: 'conflict' }));
    assert.equal(conflicts.hits, 2);
    assert.equal(cond(kube.objects.get('tekton.dev/v1', 'PipelineRun', 'conflict', 'simple-build-run-x7k2p') as Json)['reason'], 'Succeeded');
    const down = kube.faults.failNext(20, { status: 503, path: /\/namespaces\/outage\/pipelineruns\/[^/]+\/status/ });
    await assert.rejects(runPipeline(kube.kubeConfig(), simpleBuildRun({ namespace: 'outage' })), (e) => isProvenanceError(e, 'RUN_WRITE_FAILED'));
    assert.equal(down.hits, 5, 'bounded: five attempts');
    down.clear();
  });

  test('CustomRuns and v1beta1 objects go through their own endpoints', async () => {
    const run = await runPipeline(kube.kubeConfig(), kitchenSinkRun({ namespace: 'sink', apiVersion: 'tekton.dev/v1beta1' }));
    const cr = kube.objects.get('tekton.dev/v1beta1', 'CustomRun', 'sink', 'kitchen-sink-run-approve') as Json;
    assert.equal(cond(cr)['reason'], 'Succeeded');
    const pr = kube.objects.get('tekton.dev/v1beta1', 'PipelineRun', 'sink', 'kitchen-sink-run') as Json;
    assert.equal(pr['apiVersion'], 'tekton.dev/v1beta1');
    assert.ok(Array.isArray(pr['status']['pipelineResults']));
    assert.ok(kube.requests.find('PUT', /\/apis\/tekton\.dev\/v1beta1\/namespaces\/sink\/taskruns\/[^/]+\/status$/));
    assert.equal(run.objects.customRuns.length, 1);
  });
});
