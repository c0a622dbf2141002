import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProvenanceError } from '../../../signer/errors.ts';
import { matchChildren, normaliseRun, type ChildObject, type TektonRun } from '../../../signer/model/index.ts';
import { fixtureObjects, pipelineRunV1, taskRunsV1, type Json } from './fixtures.ts';

function v1Run(): TektonRun {
  const pr = pipelineRunV1();
  return normaliseRun(pr, matchChildren(pr, taskRunsV1()));
}

/** Drops what legitimately differs between API versions (apiVersion and the verbatim JSON). */
function comparable(run: TektonRun): unknown {
  const strip = (x: { apiVersion: string; rawStatus: unknown; raw?: unknown }): object => ({ ...x, apiVersion: '', rawStatus: null, ...(x.raw ? { raw: null } : {}) });
  return { ...run, pipelineRun: { ...strip(run.pipelineRun), rawSpec: null, childReferences: null }, taskRuns: run.taskRuns.map(strip) };
}

describe('normaliseRun (tekton.dev/v1)', () => {
  it('reads the PipelineRun: params, specs, tasks with after edges, results, times, status, refSource', () => {
    const run = v1Run();
    const pr = run.pipelineRun;
    assert.equal(pr.apiVersion, 'tekton.dev/v1');
    assert.deepEqual(pr.meta.name, 'pipelinerun-build');
    assert.equal(pr.meta.uid, 'abhhf-12354-asjsdbjs23-3435353n');
    assert.deepEqual(pr.params, [{ name: 'IMAGE', value: 'test.io/test/image' }]);
    assert.deepEqual(pr.paramSpecs, [{ name: 'IMAGE', type: 'string' }]);
    assert.deepEqual(pr.tasks.map((t) => [t.name, t.after, t.taskRef]), [
      ['git-clone', [], { kind: 'ClusterTask', name: 'git-clone' }],
      ['build', ['git-clone'], { kind: 'ClusterTask', name: 'build' }],
    ]);
    assert.equal(pr.status, 'Succeeded');
    assert.equal(pr.startTime, '2021-03-29T09:50:00Z');
    assert.deepEqual(pr.refSource, { uri: 'github.com/test', digest: { sha1: '28b123' }, entryPoint: 'pipeline.yaml' });
    assert.deepEqual(pr.pipelineRef, { kind: 'Pipeline', name: 'test-pipeline' });
    assert.equal(pr.results.length, 7);
    assert.deepEqual(run.missing, []);
  });

  it('reads TaskRuns in start-time order with steps joined to their spec', () => {
    const run = v1Run();
    assert.deepEqual(run.taskRuns.map((t) => t.pipelineTaskName), ['git-clone', 'build']);
    const clone = run.taskRuns[0]!;
    assert.deepEqual(clone.steps, [
      {
        name: 'step1',
        entryPoint: 'git clone',
        args: [],
        container: 'step-step1',
        imageID: 'docker-pullable://gcr.io/test1/test1@sha256:d4b63d3e24d6eef04a6dc0795cf8a73470688803d97c52cffa3c8d4efd3397b6',
        image: '',
        results: [],
      },
    ]);
    assert.equal(clone.stepsMatchSpec, true);
    assert.equal((clone.raw['metadata'] as { name: string }).name, clone.meta.name);
    assert.deepEqual(run.pipelineRun.serviceAccountName, 'pipeline');
    assert.deepEqual(clone.paramSpecs.map((p) => [p.name, p.default]), [
      ['CHAINS-GIT_COMMIT', 'sha:taskdefault'],
      ['CHAINS-GIT_URL', 'https://git.test.com'],
    ]);
    assert.equal(run.taskRuns[1]!.results[1]!.value, 'gcr.io/my/image');
  });

  it('orders by start time even when the children arrive in another order', () => {
    const pr = pipelineRunV1();
    const [clone, build] = taskRunsV1();
    build!.status.startTime = '2021-03-29T09:49:00Z';
    const run = normaliseRun(pr, matchChildren(pr, [clone!, build!]));
    assert.deepEqual(run.taskRuns.map((t) => t.pipelineTaskName), ['build', 'git-clone']);
  });

  it('adds result references in when expressions and runAfter to after, without duplicates', () => {
    const pr = pipelineRunV1();
    pr.status.pipelineSpec.tasks.push({
      name: 'scan',
      runAfter: ['build'],
      when: [{ input: '$(tasks.git-clone.results.commit)', operator: 'in', values: ['$(tasks.build.results.IMAGE_URL)'] }],
      taskRef: { resolver: 'bundles', params: [{ name: 'bundle', value: 'reg.io/scan@sha256:' + 'a'.repeat(64) }, { name: 'name', value: 'scan' }, { name: 'kind', value: 'task' }] },
    });
    const run = normaliseRun(pr, matchChildren(pr, taskRunsV1()));
    const scan = run.pipelineRun.tasks[2]!;
    assert.deepEqual(scan.after, ['build', 'git-clone']);
    assert.equal(scan.taskRef?.kind, 'Task');
    assert.equal(scan.taskRef?.name, 'scan');
    assert.equal(scan.taskRef?.bundle, `reg.io/scan@sha256:${'a'.repeat(64)}`);
    assert.equal(scan.taskRef?.resolver, 'bundles');
  });
});

describe('normaliseRun (tekton.dev/v1beta1)', () => {
  it('gives the same model from v1beta1 objects (pipelineResults, taskResults)', () => {
    const pr = fixtureObjects('chains-pipeline/pipelinerun-v1beta1.json')[0]!;
    const trs = fixtureObjects('chains-pipeline/taskruns-v1beta1.yaml');
    const run = normaliseRun(pr, matchChildren(pr, trs));
    assert.equal(run.pipelineRun.apiVersion, 'tekton.dev/v1beta1');
    assert.deepEqual(comparable(run), comparable(v1Run()));
  });

  it('falls back to the deprecated embedded status.taskRuns when a child object is not given', () => {
    const pr = fixtureObjects('chains-pipeline/pipelinerun-v1beta1.json')[0]!;
    const run = normaliseRun(pr, []);
    assert.deepEqual(run.missing, []);
    assert.deepEqual(run.taskRuns.map((t) => t.pipelineTaskName), ['git-clone', 'build']);
    // No spec in the embedded status: params are unknown, declared defaults still show.
    assert.deepEqual(run.taskRuns[1]!.params, []);
    assert.equal(run.taskRuns[1]!.results[0]!.name, 'IMAGE_DIGEST');
  });
});

describe('normaliseRun: missing children', () => {
  it('records deleted TaskRuns and CustomRuns as missing instead of failing', () => {
    const pr = pipelineRunV1();
    pr.status.childReferences.push({ apiVersion: 'tekton.dev/v1beta1', kind: 'CustomRun', name: 'approve-x', pipelineTaskName: 'approve' });
    const [clone] = taskRunsV1();
    const run = normaliseRun(pr, matchChildren(pr, [clone!]));
    assert.deepEqual(run.taskRuns.map((t) => t.meta.name), ['git-clone']);
    assert.deepEqual(run.missing, [
      { name: 'approve-x', pipelineTaskName: 'approve', kind: 'CustomRun', reason: 'customrun' },
      { name: 'taskrun-build', pipelineTaskName: 'build', kind: 'TaskRun', reason: 'deleted' },
    ]);
  });

  it('takes the state the controller decided (deleted while waiting)', () => {
    const pr = pipelineRunV1();
    const [clone] = taskRunsV1();
    const children: ChildObject[] = [
      { ref: { kind: 'TaskRun', name: 'git-clone', pipelineTaskName: 'git-clone' }, object: clone!, state: 'found' },
      { ref: { kind: 'TaskRun', name: 'taskrun-build', pipelineTaskName: 'build' }, state: 'deleted' },
    ];
    const run = normaliseRun(pr, children);
    assert.deepEqual(run.missing.map((m) => [m.name, m.reason]), [['taskrun-build', 'deleted']]);
  });
});

describe('normaliseRun: malformed objects get coded errors naming the field', () => {
  const cases: [string, (pr: Json) => unknown, string, RegExp][] = [
    ['not an object', () => 'text', 'NOT_AN_OBJECT', /not a JSON object/],
    ['a TaskRun given as the PipelineRun', (pr) => ({ ...pr, kind: 'TaskRun' }), 'WRONG_KIND', /kind "TaskRun"/],
    ['an unknown apiVersion', (pr) => ({ ...pr, apiVersion: 'tekton.dev/v1alpha1' }), 'UNSUPPORTED_API_VERSION', /v1alpha1/],
    ['no uid', (pr) => (delete pr.metadata.uid, pr), 'MISSING_FIELD', /metadata\.uid/],
    ['params not a list', (pr) => ((pr.spec.params = { IMAGE: 'x' }), pr), 'BAD_FIELD', /spec\.params is not a list/],
    ['a param value of the wrong type', (pr) => ((pr.spec.params[0].value = 3), pr), 'BAD_FIELD', /spec\.params\[0\]\.value/],
    ['a bad timestamp', (pr) => ((pr.status.startTime = 'yesterday'), pr), 'BAD_FIELD', /startTime is not an RFC 3339/],
    ['labels with a number value', (pr) => ((pr.metadata.labels.n = 1), pr), 'BAD_FIELD', /metadata\.labels\.n/],
  ];
  for (const [what, mutate, code, message] of cases) {
    it(what, () => {
      assert.throws(
        () => normaliseRun(mutate(pipelineRunV1()) as object, []),
        (err: unknown) => isProvenanceError(err, code) && message.test((err as Error).message),
      );
    });
  }

  it('a child marked found without an object', () => {
    const ref = { kind: 'TaskRun', name: 'x', pipelineTaskName: 'x' };
    assert.throws(() => normaliseRun(pipelineRunV1(), [{ ref, state: 'found' }]), (err: unknown) => isProvenanceError(err, 'MISSING_FIELD'));
  });

  it('a malformed TaskRun names the TaskRun and the field', () => {
    const pr = pipelineRunV1();
    const trs = taskRunsV1();
    trs[1]!.status.steps[0].imageID = 42;
    assert.throws(
      () => normaliseRun(pr, matchChildren(pr, trs)),
      (err: unknown) => isProvenanceError(err, 'BAD_FIELD') && /TaskRun taskrun-build\.status\.steps\[0\]\.imageID/.test((err as Error).message),
    );
  });
});
