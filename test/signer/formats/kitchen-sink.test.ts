import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formats, type IncompleteTask, type TaskRecord } from '../../../signer/formats/index.ts';
import { matchChildren, normaliseRun } from '../../../signer/model/index.ts';
import { kitchenSinkRun, simulatePipelineRun, toV1beta1 } from '../../harness/tekton/index.ts';
import type { RunInput } from '../../harness/tekton/index.ts';

// Edge cases from the run simulator: array/object params and results, when-skipped tasks,
// retries, a CustomRun child, an inline taskSpec, finally tasks, a child deleted mid-run.
type Predicate = { buildConfig: { tasks: TaskRecord[]; incompleteTasks?: IncompleteTask[] }; metadata: { completeness: Record<string, boolean> }; invocation: { parameters: unknown } };

function attest(input: RunInput, v1beta1 = false): Predicate {
  const final = simulatePipelineRun(input).final();
  let pr = final.pipelineRun;
  (pr['metadata'] as Record<string, unknown>)['uid'] = 'uid-kitchen-sink';
  let trs = final.taskRuns;
  if (v1beta1) {
    pr = toV1beta1(pr, [...trs, ...final.customRuns], 'full');
    trs = trs.map((t) => toV1beta1(t));
  }
  const stmt = formats.get('in-toto').build(normaliseRun(pr, matchChildren(pr, trs)), { builderId: 'b', event: { state: 'absent', reason: 'none' } });
  return (JSON.parse(JSON.stringify(stmt)) as { predicate: Predicate }).predicate;
}

describe('kitchen-sink run (simulator) -> in-toto', () => {
  it('omits skipped tasks, keeps the retried task once, orders by execution, gives finally tasks their after edge', () => {
    const p = attest(kitchenSinkRun());
    assert.deepEqual(p.buildConfig.tasks.map((t) => [t.name, t.after ?? [], t.status]), [
      ['prepare', [], 'Succeeded'],
      ['flaky-test', ['prepare'], 'Succeeded'],
      ['notify', ['prepare'], 'Succeeded'],
    ]);
    assert.deepEqual(p.buildConfig.tasks[0]!.ref, {}, 'inline taskSpec has no ref');
  });

  it('keeps array and object params (defaults filled in) and typed results', () => {
    const p = attest(kitchenSinkRun());
    assert.deepEqual(p.invocation.parameters, { deploy: 'false', flags: ['--fast'], target: { arch: 'amd64', os: 'linux' } });
    assert.deepEqual(p.buildConfig.tasks[0]!.results, [
      { name: 'files', type: 'array', value: ['a.go', 'b.go'] },
      { name: 'meta', type: 'object', value: { os: 'linux', version: '1.2.3' } },
    ]);
  });

  it('records the CustomRun as an incomplete task and says parameters/materials are incomplete', () => {
    const p = attest(kitchenSinkRun());
    assert.deepEqual(p.buildConfig.incompleteTasks, [{ name: 'approve', taskRun: 'kitchen-sink-run-approve', kind: 'CustomRun', reason: 'customrun' }]);
    assert.deepEqual(p.metadata.completeness, { parameters: false, environment: false, materials: false });
  });

  it('records a TaskRun deleted before attestation instead of blocking', () => {
    const input = kitchenSinkRun();
    input.behaviour = { ...input.behaviour, notify: { durationSeconds: 2, deleteBeforeCompletion: true } };
    const p = attest(input);
    assert.deepEqual(p.buildConfig.incompleteTasks?.map((t) => [t.name, t.reason]), [
      ['approve', 'customrun'],
      ['notify', 'deleted'],
    ]);
    assert.deepEqual(p.buildConfig.tasks.map((t) => t.name), ['prepare', 'flaky-test']);
  });

  it('gives the same attestation from v1beta1 objects', () => {
    assert.deepEqual(attest(kitchenSinkRun(), true), attest(kitchenSinkRun()));
  });
});
