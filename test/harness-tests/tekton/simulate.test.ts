import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isProvenanceError } from '../../../signer/errors.ts';
import { kitchenSinkRun, simpleBuildBehaviour, simpleBuildRun, simulatePipelineRun } from '../../harness/tekton/index.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const IMAGE_ID = /^[a-z0-9.-]+(:\d+)?\/[^@\s]+@sha256:[0-9a-f]{64}$/;
const cond = (o: Json): Json => o['status']['conditions'][0];
const byTask = (trs: Json[], task: string): Json => trs.find((t) => t['metadata']['labels']['tekton.dev/pipelineTask'] === task) as Json;

describe('simple-build (TEP-0084 example), pure mode', () => {
  const sim = simulatePipelineRun(simpleBuildRun());
  const final = sim.final();
  const pr = final.pipelineRun as Json;

  test('the PipelineRun succeeds with deterministic times', () => {
    assert.deepEqual({ ...cond(pr), lastTransitionTime: undefined }, {
      type: 'Succeeded', status: 'True', reason: 'Succeeded', message: 'Tasks Completed: 4 (Failed: 0, Cancelled 0), Skipped: 0', lastTransitionTime: undefined,
    });
    assert.equal(pr['status']['startTime'], '2026-11-28T23:00:00Z');
    assert.equal(pr['status']['completionTime'], '2026-11-28T23:01:45Z');
    assert.deepEqual(simulatePipelineRun(simpleBuildRun()).final(), final, 'same input, same objects');
  });

  test('childReferences, pipelineSpec and typed-hint results', () => {
    assert.deepEqual(pr['status']['childReferences'].map((c: Json) => [c['apiVersion'], c['kind'], c['pipelineTaskName'], c['name']]), [
      ['tekton.dev/v1', 'TaskRun', 'git-clone', 'simple-build-run-x7k2p-git-clone'],
      ['tekton.dev/v1', 'TaskRun', 'source-security-scan', 'simple-build-run-x7k2p-source-security-scan'],
      ['tekton.dev/v1', 'TaskRun', 'image-build', 'simple-build-run-x7k2p-image-build'],
      ['tekton.dev/v1', 'TaskRun', 'image-security-scan', 'simple-build-run-x7k2p-image-security-scan'],
    ]);
    assert.equal(pr['status']['pipelineSpec']['tasks'].length, 4);
    assert.equal(pr['status']['pipelineSpec']['params'][1]['default'], 'main');
    assert.deepEqual(pr['status']['results'], [
      { name: 'IMAGE_URL', value: 'registry.example.com/demo/app' },
      { name: 'IMAGE_DIGEST', value: `sha256:${'4e'.repeat(32)}` },
      { name: 'CHAINS-GIT_URL', value: 'https://github.com/tektoncd/pipeline.git' },
      { name: 'CHAINS-GIT_COMMIT', value: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' },
    ]);
    assert.deepEqual(pr['spec']['pipelineRef'], { name: 'simple-build' });
  });

  test('TaskRuns carry Tekton labels, resolved params, taskSpec, steps and results', () => {
    assert.equal(final.taskRuns.length, 4);
    const scan = byTask(final.taskRuns, 'image-security-scan');
    assert.deepEqual(
      Object.fromEntries(Object.entries(scan['metadata']['labels']).filter(([k]) => ['tekton.dev/pipeline', 'tekton.dev/pipelineRun', 'tekton.dev/pipelineTask'].includes(k))),
      { 'tekton.dev/pipeline': 'simple-build', 'tekton.dev/pipelineRun': 'simple-build-run-x7k2p', 'tekton.dev/pipelineTask': 'image-security-scan' },
    );
    assert.deepEqual(scan['spec']['params'], [{ name: 'image', value: `registry.example.com/demo/app@sha256:${'4e'.repeat(32)}` }], 'result references resolved');
    const clone = byTask(final.taskRuns, 'git-clone');
    assert.equal(clone['metadata']['labels']['tekton.dev/task'], 'git-clone');
    assert.equal(clone['status']['podName'], 'simple-build-run-x7k2p-git-clone-pod');
    assert.deepEqual(clone['status']['results'].find((r: Json) => r['name'] === 'url'), { name: 'url', type: 'string', value: 'https://github.com/tektoncd/pipeline.git' });
    assert.equal(clone['status']['taskSpec']['steps'][0]['name'], 'clone');
    for (const tr of final.taskRuns as Json[]) {
      assert.equal(cond(tr)['reason'], 'Succeeded');
      for (const step of tr['status']['steps']) {
        assert.match(step['imageID'], IMAGE_ID);
        assert.equal(step['container'], `step-${step['name']}`);
        assert.equal(step['terminated']['exitCode'], 0);
        assert.ok(step['terminated']['startedAt'] >= tr['status']['startTime'] && step['terminated']['finishedAt'] <= tr['status']['completionTime']);
      }
    }
  });

  test('provenance.refSource for bundle and git refs, none for a cluster Task', () => {
    const clone = byTask(final.taskRuns, 'git-clone');
    assert.deepEqual(clone['spec']['taskRef']['resolver'], 'bundles', 'a v1beta1 bundle ref becomes the bundles resolver in v1');
    assert.deepEqual(clone['status']['provenance']['refSource']['uri'], 'gcr.io/tekton-releases/catalog/upstream/git-clone');
    assert.equal(byTask(final.taskRuns, 'image-build')['status']['provenance']['refSource']['digest']['sha1'], 'c7a3bd3f1f0b9c1cc6b8e1c1c2f23d7a5e8f0a91');
    assert.equal(byTask(final.taskRuns, 'source-security-scan')['status']['provenance']['refSource'], undefined);
  });

  test('a running snapshot: Unknown/Running and only started children', () => {
    const mid = sim.snapshot(30);
    assert.deepEqual([cond(mid.pipelineRun as Json)['status'], cond(mid.pipelineRun as Json)['reason']], ['Unknown', 'Running']);
    assert.match(cond(mid.pipelineRun as Json)['message'], /Tasks Completed: 2 \(Failed: 0, Cancelled 0\), Incomplete: 2, Skipped: 0/);
    assert.equal(mid.taskRuns.length, 3);
    const build = byTask(mid.taskRuns, 'image-build');
    assert.equal(cond(build)['reason'], 'Running');
    assert.equal(build['status']['completionTime'], undefined);
    assert.ok(build['status']['steps'][0]['running']);
  });

  test('ops: create then /status writes, children done before the PipelineRun', () => {
    const ops = sim.ops();
    assert.deepEqual(ops.slice(0, 2).map((o) => [o.op, o.object['kind']]), [['create', 'PipelineRun'], ['status', 'PipelineRun']]);
    assert.equal(ops.filter((o) => o.op === 'create').length, 5);
    const last = ops.at(-1) as (typeof ops)[number];
    assert.equal(last.object['kind'], 'PipelineRun');
    assert.equal(cond(last.object as Json)['status'], 'True');
  });
});

describe('failures, skips, retries, CustomRuns, finally', () => {
  test('a failed task stops the pipeline: later tasks skipped, results missing', () => {
    const b = simpleBuildBehaviour();
    b['image-build'] = { ...b['image-build'], fail: true, exitCode: 2 };
    const f = simulatePipelineRun(simpleBuildRun({ behaviour: b })).final();
    const pr = f.pipelineRun as Json;
    assert.deepEqual([cond(pr)['status'], cond(pr)['reason']], ['False', 'Failed']);
    assert.deepEqual(pr['status']['skippedTasks'], [{ name: 'image-security-scan', reason: 'PipelineRun was stopping' }]);
    assert.deepEqual(pr['status']['results'].map((r: Json) => r['name']), ['CHAINS-GIT_URL', 'CHAINS-GIT_COMMIT']);
    const build = byTask(f.taskRuns, 'image-build');
    assert.equal(cond(build)['message'], '"step-write-url" exited with code 2');
    assert.equal(build['status']['steps'][1]['terminated']['exitCode'], 2);
    assert.equal(build['status']['results'], undefined);
  });

  test('kitchen sink: retries, CustomRun, when-skip, missing results, finally, array/object values', () => {
    const sim = simulatePipelineRun(kitchenSinkRun());
    const f = sim.final();
    const pr = f.pipelineRun as Json;
    assert.deepEqual([cond(pr)['status'], cond(pr)['reason']], ['True', 'Completed']);
    const flaky = byTask(f.taskRuns, 'flaky-test');
    assert.equal(flaky['status']['retriesStatus'].length, 2);
    assert.deepEqual(flaky['status']['retriesStatus'].map((r: Json) => [r['podName'], r['conditions'][0]['reason']]), [
      ['kitchen-sink-run-flaky-test-pod', 'Failed'],
      ['kitchen-sink-run-flaky-test-pod-retry1', 'Failed'],
    ]);
    assert.equal(flaky['status']['podName'], 'kitchen-sink-run-flaky-test-pod-retry2');
    assert.deepEqual(flaky['spec']['params'], [{ name: 'files', value: ['a.go', 'b.go'] }]);
    const [approve] = f.customRuns as Json[];
    assert.equal(approve?.['kind'], 'CustomRun');
    assert.deepEqual(approve?.['spec']['customRef'], { apiVersion: 'custom.tekton.dev/v1alpha1', kind: 'Approval', name: 'release-approval' });
    assert.deepEqual(approve?.['status']['results'], [{ name: 'approver', value: 'alice' }]);
    assert.ok(pr['status']['childReferences'].some((c: Json) => c['kind'] === 'CustomRun' && c['apiVersion'] === 'tekton.dev/v1beta1'));
    assert.deepEqual(pr['status']['skippedTasks'].map((s: Json) => [s['name'], s['reason']]), [
      ['deploy', 'When Expressions evaluated to false'],
      ['smoke', 'Results were missing'],
      ['report-deploy', 'Results were missing'],
    ]);
    assert.deepEqual(pr['status']['skippedTasks'][0]['whenExpressions'], [{ input: 'false', operator: 'in', values: ['true'] }]);
    assert.equal(byTask(f.taskRuns, 'notify')['metadata']['labels']['tekton.dev/memberOf'], 'finally');
    assert.equal(pr['status']['finallyStartTime'], '2026-11-28T23:00:36Z');
    assert.deepEqual(byTask(f.taskRuns, 'prepare')['spec']['params'], [{ name: 'flags', value: ['--fast'] }, { name: 'os', value: 'linux' }]);
    assert.deepEqual(pr['status']['results'], [
      { name: 'files', value: ['a.go', 'b.go'] },
      { name: 'meta', value: { version: '1.2.3', os: 'linux' } },
      { name: 'approved-by', value: 'alice' },
    ]);
    assert.deepEqual(byTask(f.taskRuns, 'prepare')['status']['results'][1], { name: 'meta', type: 'object', value: { version: '1.2.3', os: 'linux' } });
  });

  test('a child deleted before completion: delete op, still referenced, run Failed', () => {
    const b = simpleBuildBehaviour();
    b['source-security-scan'] = { ...b['source-security-scan'], deleteBeforeCompletion: true };
    const sim = simulatePipelineRun(simpleBuildRun({ behaviour: b }));
    const del = sim.ops().filter((o) => o.op === 'delete');
    assert.deepEqual(del.map((o) => o.object['metadata']), [{ name: 'simple-build-run-x7k2p-source-security-scan', namespace: 'default' }]);
    const f = sim.final();
    assert.equal(byTask(f.taskRuns, 'source-security-scan'), undefined);
    assert.ok((f.pipelineRun as Json)['status']['childReferences'].some((c: Json) => c['pipelineTaskName'] === 'source-security-scan'));
    assert.equal(cond(f.pipelineRun as Json)['reason'], 'Failed');
  });

  test('v1beta1 output: taskResults, pipelineResults, bundle, configSource', () => {
    const f = simulatePipelineRun(simpleBuildRun({ apiVersion: 'tekton.dev/v1beta1' })).final();
    const pr = f.pipelineRun as Json;
    assert.equal(pr['apiVersion'], 'tekton.dev/v1beta1');
    assert.equal(pr['status']['results'], undefined);
    assert.equal(pr['status']['pipelineResults'].length, 4);
    assert.equal(pr['spec']['serviceAccountName'], 'default');
    const clone = byTask(f.taskRuns, 'git-clone');
    assert.equal(clone['apiVersion'], 'tekton.dev/v1beta1');
    assert.ok(clone['status']['taskResults'].length === 3 && clone['status']['results'] === undefined);
    assert.match(clone['spec']['taskRef']['bundle'], /^gcr\.io\/tekton-releases\/catalog\/upstream\/git-clone@sha256:/);
    assert.ok(clone['status']['provenance']['configSource'] && !clone['status']['provenance']['refSource']);
    assert.equal(pr['status']['childReferences'][0]['apiVersion'], 'tekton.dev/v1beta1');
  });

  test('v1beta1 embedded-status full/both: status.taskRuns and status.runs carry the children', () => {
    const full = simulatePipelineRun(kitchenSinkRun({ apiVersion: 'tekton.dev/v1beta1', embeddedStatus: 'full' })).final().pipelineRun as Json;
    assert.equal(full['status']['childReferences'], undefined, 'full mode has no childReferences');
    assert.equal(full['status']['taskRuns']['kitchen-sink-run-flaky-test']['pipelineTaskName'], 'flaky-test');
    assert.equal(full['status']['taskRuns']['kitchen-sink-run-flaky-test']['status']['retriesStatus'].length, 2);
    assert.ok(full['status']['taskRuns']['kitchen-sink-run-prepare']['status']['taskResults'], 'embedded statuses are v1beta1 too');
    assert.deepEqual(full['status']['runs']['kitchen-sink-run-approve']['status']['results'], [{ name: 'approver', value: 'alice' }]);
    const both = simulatePipelineRun(kitchenSinkRun({ apiVersion: 'tekton.dev/v1beta1', embeddedStatus: 'both' })).final().pipelineRun as Json;
    assert.ok(both['status']['childReferences'].length === 4 && Object.keys(both['status']['taskRuns']).length === 3);
    const minimal = simulatePipelineRun(kitchenSinkRun({ apiVersion: 'tekton.dev/v1beta1' })).final().pipelineRun as Json;
    assert.equal(minimal['status']['taskRuns'], undefined);
  });

  test('bad input gets coded errors', () => {
    assert.throws(() => simulatePipelineRun(simpleBuildRun({ params: [] })), (e) => isProvenanceError(e, 'PARAM_MISSING'));
    const cyclic = { tasks: [{ name: 'a', runAfter: ['b'] }, { name: 'b', runAfter: ['a'] }] };
    assert.throws(() => simulatePipelineRun({ name: 'x', namespace: 'n', pipeline: cyclic }), (e) => isProvenanceError(e, 'PIPELINE_INVALID'));
    assert.throws(() => simulatePipelineRun({ name: 'x', namespace: 'n', pipeline: { tasks: [{ name: 'a', runAfter: ['zz'] }] } }), (e) => isProvenanceError(e, 'PIPELINE_INVALID'));
    assert.throws(() => simulatePipelineRun({ name: 'x', namespace: 'n', pipeline: { tasks: [{ name: 'a' }, { name: 'a' }] } }), (e) => isProvenanceError(e, 'PIPELINE_INVALID'));
  });
});
