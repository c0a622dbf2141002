import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formats, type SlsaV02Predicate } from '../../../signer/formats/index.ts';
import type { Statement } from '../../../signer/intoto/statement.ts';
import { validateStatement } from '../../../signer/intoto/validate.ts';
import { matchChildren, normaliseRun } from '../../../signer/model/index.ts';
import { kitchenSinkRun, simpleBuildBehaviour, simpleBuildRun, simulatePipelineRun, toV1beta1 } from '../../harness/tekton/index.ts';
import type { RunInput, TaskBehaviour } from '../../harness/tekton/index.ts';

// Invariants over many simulated runs (random durations, delays, failures, deletions): the
// attestation does not depend on the API version or embedded-status mode, tasks are in
// execution order, edges name declared tasks, and statements with subjects validate.
const EVENT = { state: 'absent', reason: 'none' } as const;

function attest(input: RunInput, shape: 'v1' | 'minimal' | 'full'): Statement<SlsaV02Predicate> {
  const final = simulatePipelineRun(input).final();
  let pr = final.pipelineRun;
  (pr['metadata'] as Record<string, unknown>)['uid'] = 'uid';
  let trs = final.taskRuns;
  if (shape !== 'v1') {
    pr = toV1beta1(pr, [...trs, ...final.customRuns], shape);
    trs = trs.map((t) => toV1beta1(t));
  }
  return JSON.parse(JSON.stringify(formats.get('in-toto').build(normaliseRun(pr, matchChildren(pr, trs)), { builderId: 'b', event: EVENT })));
}

const behaviour = fc.record({
  durationSeconds: fc.integer({ min: 1, max: 120 }),
  delaySeconds: fc.integer({ min: 0, max: 30 }),
  fail: fc.oneof(fc.constant(false), fc.constant(false), fc.constant(true), fc.integer({ min: 1, max: 2 })),
  deleteBeforeCompletion: fc.oneof(fc.constant(false), fc.constant(false), fc.constant(false), fc.constant(true)),
});

function withBehaviour(input: RunInput, names: string[], picks: TaskBehaviour[]): RunInput {
  const b = { ...input.behaviour };
  names.forEach((n, i) => (b[n] = { ...b[n], ...picks[i] }));
  return { ...input, behaviour: b };
}

function checkInvariants(input: RunInput): void {
  const v1 = attest(input, 'v1');
  assert.deepEqual(attest(input, 'minimal'), v1, 'v1beta1 minimal status');
  // A child deleted before it finished leaves no trace at all in a full-embedded-status export
  // (no childReferences, no embedded status in the simulator): nothing can report it missing.
  const deleted = Object.values(input.behaviour ?? {}).some((b) => b.deleteBeforeCompletion);
  if (!deleted) assert.deepEqual(attest(input, 'full'), v1, 'v1beta1 full embedded status');
  const tasks = v1.predicate.buildConfig.tasks;
  const starts = tasks.map((t) => t.startedOn ?? '');
  assert.deepEqual(starts, [...starts].sort(), 'tasks in execution order');
  const declared = new Set([...input.pipeline.tasks, ...(input.pipeline.finally ?? [])].map((t) => t.name));
  for (const t of tasks) for (const a of t.after ?? []) assert.ok(declared.has(a), `${t.name} after ${a}`);
  for (const t of tasks) assert.ok(t.status === 'Succeeded' || t.status === 'Failed', t.status);
  if (v1.subject.length > 0) validateStatement(v1, { predicateType: 'https://slsa.dev/provenance/v0.2' });
  const missing = new Set((v1.predicate.buildConfig.incompleteTasks ?? []).map((t) => t.name));
  assert.equal(v1.predicate.metadata.completeness.parameters, missing.size === 0);
  for (const t of tasks) assert.ok(!missing.has(t.name), `${t.name} both attested and missing`);
}

describe('attestation invariants over simulated runs', () => {
  it('simple-build with random timings, failures and deletions', () => {
    const names = Object.keys(simpleBuildBehaviour());
    fc.assert(fc.property(fc.array(behaviour, { minLength: names.length, maxLength: names.length }), (picks) => checkInvariants(withBehaviour(simpleBuildRun(), names, picks))), { numRuns: 60, seed: 84 });
  });

  it('kitchen-sink with random timings, failures and deletions', () => {
    const names = ['prepare', 'flaky-test', 'notify'];
    fc.assert(fc.property(fc.array(behaviour, { minLength: names.length, maxLength: names.length }), (picks) => checkInvariants(withBehaviour(kitchenSinkRun(), names, picks))), { numRuns: 40, seed: 7 });
  });
});
