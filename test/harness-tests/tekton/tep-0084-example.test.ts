import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEP_0084_EXAMPLE_ATTESTATION, simulatePipelineRun, tep0084ExampleRun } from '../../harness/tekton/index.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

test('the simulated TEP-0084 example run carries everything its upstream example attestation states', () => {
  const final = simulatePipelineRun(tep0084ExampleRun({ apiVersion: 'tekton.dev/v1beta1' })).final();
  const pr = final.pipelineRun as Json;
  const want = TEP_0084_EXAMPLE_ATTESTATION['predicate'];
  assert.equal(pr['status']['startTime'], want['metadata']['buildStartedOn']);
  assert.equal(pr['status']['completionTime'], want['metadata']['buildFinishedOn']);
  const results = Object.fromEntries((pr['status']['pipelineResults'] as Json[]).map((r) => [r['name'], r['value']]));
  assert.equal(results['IMAGE_URL'].trim().split(':latest')[0], TEP_0084_EXAMPLE_ATTESTATION['subject'][0]['name']);
  assert.equal(results['IMAGE_DIGEST'], `sha256:${TEP_0084_EXAMPLE_ATTESTATION['subject'][0]['digest']['sha256']}`);
  assert.equal(`git+${results['CHAINS-GIT_URL']}.git`, want['materials'][0]['uri']);
  assert.equal(results['CHAINS-GIT_COMMIT'], want['materials'][0]['digest']['sha1']);

  const trs = pr['status']['childReferences'].map((c: Json) => final.taskRuns.find((t) => (t['metadata'] as Json)['name'] === c['name'])) as Json[];
  assert.equal(trs.length, want['buildConfig']['tasks'].length);
  want['buildConfig']['tasks'].forEach((w: Json, i: number) => {
    const tr = trs[i] as Json;
    assert.equal(tr['metadata']['labels']['tekton.dev/pipelineTask'], w['name']);
    assert.equal(tr['status']['startTime'], w['startedOn'], `${w['name']} startedOn`);
    assert.equal(tr['status']['completionTime'], w['finishedOn'], `${w['name']} finishedOn`);
    assert.equal(tr['status']['conditions'][0]['reason'], w['status']);
    const ref = tr['spec']['taskRef'];
    assert.deepEqual({ name: ref['name'], kind: ref['kind'], ...(ref['bundle'] ? { bundle: ref['bundle'] } : {}) }, w['ref'], `${w['name']} ref`);
    const steps = (tr['status']['steps'] as Json[]).map((s, j) => ({
      entryPoint: tr['status']['taskSpec']['steps'][j]['script'],
      arguments: tr['status']['taskSpec']['steps'][j]['args'] ?? null,
      environment: { container: s['name'], image: s['imageID'] },
      annotations: null,
    }));
    assert.deepEqual(steps, w['steps'], `${w['name']} steps`);
    assert.deepEqual((tr['status']['taskResults'] ?? []).map((r: Json) => ({ name: r['name'], value: r['value'] })), w['results'] ?? [], `${w['name']} results`);
  });
  assert.equal(trs[2]?.['metadata']['labels']['tekton.dev/clusterTask'], 'buildah');
});
