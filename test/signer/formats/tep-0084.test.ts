import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formats, type TaskRecord } from '../../../signer/formats/index.ts';
import { validateStatement } from '../../../signer/intoto/validate.ts';
import { matchChildren, normaliseRun } from '../../../signer/model/index.ts';
import { fakeUid, simpleBuildRun, simulatePipelineRun, toV1beta1 } from '../../harness/tekton/index.ts';

// TEP-0084's `simple-build` example, reproduced by the run simulator, against the example
// attestation the harness derives from the TEP (test/harness/fixtures/tep-0084-attestation.json).
type Json = Record<string, unknown>;
type Material = { uri: string; digest: Record<string, string> };
const EXPECTED = JSON.parse(readFileSync(fileURLToPath(new URL('../../harness/fixtures/tep-0084-attestation.json', import.meta.url)), 'utf8'));
const CTX = { builderId: 'https://tekton.dev/chains/v2', event: { state: 'absent', reason: 'not started by a trigger' } } as const;

function attest(apiVersion: 'v1' | 'v1beta1'): { subject: unknown; predicate: { invocation: Json; buildConfig: { tasks: TaskRecord[] }; materials: Material[] } } {
  const final = simulatePipelineRun(simpleBuildRun()).final();
  let pr = final.pipelineRun;
  (pr['metadata'] as Json)['uid'] = fakeUid('default/simple-build-run-x7k2p'); // the API server assigns it
  let trs = final.taskRuns;
  if (apiVersion === 'v1beta1') {
    pr = toV1beta1(pr, trs, 'full'); // full embedded status: children found via status.taskRuns
    trs = trs.map((t) => toV1beta1(t));
  }
  const statement = formats.get('in-toto').build(normaliseRun(pr, matchChildren(pr, trs)), CTX);
  validateStatement(JSON.parse(JSON.stringify(statement)), { predicateType: 'https://slsa.dev/provenance/v0.2' });
  return JSON.parse(JSON.stringify(statement));
}

for (const apiVersion of ['v1', 'v1beta1'] as const) {
  describe(`TEP-0084 simple-build (${apiVersion} objects) -> in-toto attestation`, () => {
    const got = attest(apiVersion);
    const want = EXPECTED.predicate;

    it('has the same subject, buildType and pipeline invocation', () => {
      assert.deepEqual(got.subject, EXPECTED.subject);
      assert.deepEqual(got.predicate.invocation, want.invocation);
    });

    it('lists the same tasks in the same execution order with the same after edges, times and status', () => {
      const pick = (t: TaskRecord): unknown => [t.name, t.after, t.startedOn, t.finishedOn, t.status];
      assert.deepEqual(got.predicate.buildConfig.tasks.map(pick), want.buildConfig.tasks.map(pick));
    });

    it('has the same refs (bundles resolver params also lifted into kind/name/bundle), steps, invocations and results', () => {
      got.predicate.buildConfig.tasks.forEach((t, i) => {
        const w = want.buildConfig.tasks[i];
        for (const [k, v] of Object.entries(w.ref)) assert.deepEqual((t.ref as Json)[k], v, `${t.name} ref.${k}`);
        assert.deepEqual(t.steps, w.steps, `${t.name} steps`);
        assert.deepEqual(t.invocation, w.invocation, `${t.name} invocation`);
        assert.deepEqual(t.results, w.results, `${t.name} results`);
      });
      const scan = got.predicate.buildConfig.tasks[3]!;
      assert.deepEqual([scan.ref.kind, scan.ref.name, scan.ref.bundle], ['Task', 'image-security-scan', want.buildConfig.tasks[3].ref.params[0].value]);
    });

    it('has every material of the example; the only extras are the Task sources (refSource) Chains also records', () => {
      const key = (m: Material): string => `${m.uri}@${JSON.stringify(m.digest)}`;
      const ours = new Set(got.predicate.materials.map(key));
      for (const m of want.materials as Material[]) assert.ok(ours.has(key(m)), `missing material ${key(m)}`);
      const theirs = new Set((want.materials as Material[]).map(key));
      const extras = got.predicate.materials.filter((m) => !theirs.has(key(m))).map((m) => m.uri);
      assert.deepEqual(extras, ['gcr.io/tekton-releases/catalog/upstream/git-clone', 'git+https://github.com/tektoncd/catalog.git', 'quay.io/tekton-provenance-examples/image-security-scan']);
    });
  });
}
