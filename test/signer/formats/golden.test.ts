import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { EventLink } from '../../../signer/attest/types.ts';
import { formats } from '../../../signer/formats/index.ts';
import { validateStatement } from '../../../signer/intoto/validate.ts';
import type { TektonRun } from '../../../signer/model/index.ts';
import { matchChildren, normaliseRun } from '../../../signer/model/index.ts';
import { fakeUid, kitchenSinkRun, simpleBuildRun, simulatePipelineRun, type RunInput } from '../../harness/tekton/index.ts';
import { FIXTURES } from '../model/fixtures.ts';
import { FOUND, chainsRun, chainsRunV1beta1, eventRecord } from './run-fixtures.ts';

// Golden files: exact expected JSON. Regenerate deliberately with UPDATE_GOLDEN=1 and review the diff.
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const CTX = { builderId: 'https://tekton.dev/chains/v2' };

function golden(name: string, actual: unknown): void {
  const file = `${FIXTURES}golden/${name}.json`;
  const text = `${JSON.stringify(actual, null, 2)}\n`;
  if (UPDATE) writeFileSync(file, text);
  assert.deepEqual(JSON.parse(text), JSON.parse(readFileSync(file, 'utf8')), `${name} differs from ${file}`);
}

function build(format: string, run: TektonRun, event: EventLink): unknown {
  return JSON.parse(JSON.stringify(formats.get(format).build(run, { ...CTX, event })));
}

describe('golden attestations from real exported objects (Chains testdata, v1)', () => {
  for (const [format, file] of [['in-toto', 'in-toto'], ['slsa/v2alpha4', 'slsa-v2alpha4'], ['slsa/v2alpha3', 'slsa-v2alpha3'], ['tekton', 'tekton']] as const) {
    it(`${format} with a found event`, () => golden(`chains-pipeline.${file}`, build(format, chainsRun(), FOUND())));
  }

  it('in-toto without an event and with a CustomRun child and a deleted TaskRun', () => {
    const run = chainsRun((pr, trs) => {
      pr.status.childReferences.push({ apiVersion: 'tekton.dev/v1beta1', kind: 'CustomRun', name: 'approve-x', pipelineTaskName: 'approve' });
      trs.pop();
    });
    golden('chains-pipeline.in-toto.incomplete', build('in-toto', run, { state: 'absent', reason: 'not started by a trigger' }));
  });

  it('slsa/v2alpha4 with a label/annotation mismatch', () => {
    golden('chains-pipeline.slsa-v2alpha4.mismatch', build('slsa/v2alpha4', chainsRun(), { state: 'mismatch', reason: 'annotation digest differs', record: eventRecord() }));
  });

  it('v1beta1 objects of the same run give the same in-toto attestation', () => {
    assert.deepEqual(build('in-toto', chainsRunV1beta1(), FOUND()), build('in-toto', chainsRun(), FOUND()));
  });

  // slsa/v2alpha3 used to be an alias of slsa/v2alpha4; in Chains they differ (byproducts, subjects).
  it('aliases: slsa/v1 = in-toto; slsa/v2alpha3 is not slsa/v2alpha4', () => {
    assert.deepEqual(build('slsa/v1', chainsRun(), FOUND()), build('in-toto', chainsRun(), FOUND()));
    assert.notDeepEqual(build('slsa/v2alpha3', chainsRun(), FOUND()), build('slsa/v2alpha4', chainsRun(), FOUND()));
  });

  // Chains keeps kubectl's last-applied copy here (unlike the v0.2 environment); signer status annotations stay out.
  it('slsa-tekton buildType adds labels and filtered annotations to internalParameters', () => {
    const stmt = formats.get('slsa/v2alpha4').build(chainsRun(), { ...CTX, buildType: 'https://tekton.dev/chains/v2/slsa-tekton', event: FOUND() });
    const internal = (stmt as { predicate: { buildDefinition: { internalParameters: Record<string, unknown> } } }).predicate.buildDefinition.internalParameters;
    assert.deepEqual(Object.keys(internal['annotations'] as object), ['kubectl.kubernetes.io/last-applied-configuration', 'tekton-provenance.dev/event-digest']);
    assert.equal((internal['labels'] as Record<string, string>)['tekton.dev/pipeline'], 'test-pipeline');
  });

  it('sidecar images are materials, after the step images (as Chains)', () => {
    const sidecar = `docker-pullable://reg.io/sidecar@sha256:${'ab'.repeat(32)}`;
    const run = chainsRun((_pr, trs) => (trs[0]!.status.sidecars = [{ name: 'proxy', container: 'sidecar-proxy', imageID: sidecar }]));
    const uris = (build('in-toto', run, FOUND()) as { predicate: { materials: { uri: string }[] } }).predicate.materials.map((m) => m.uri);
    assert.deepEqual(uris.slice(1, 4), ['oci://gcr.io/test1/test1', 'oci://reg.io/sidecar', 'github.com/catalog']);
  });

  it('every in-toto statement passes the strict statement validator', () => {
    for (const name of ['in-toto', 'slsa/v1', 'slsa/v2alpha4', 'slsa/v2alpha3']) {
      const f = formats.get(name);
      const stmt = validateStatement(build(name, chainsRun(), FOUND()), { predicateType: f.predicateType });
      assert.equal(stmt.subject.length, 1, name);
    }
  });
});

/** A finished simulated run as the controller would read it (uid set as the API server would). */
function simulated(input: RunInput): TektonRun {
  const final = simulatePipelineRun(input).final();
  (final.pipelineRun['metadata'] as Record<string, unknown>)['uid'] = fakeUid(`${input.namespace}/${input.name}`);
  return normaliseRun(final.pipelineRun, matchChildren(final.pipelineRun, final.taskRuns));
}

describe('golden attestations of simulated runs (run simulator)', () => {
  const absent: EventLink = { state: 'absent', reason: 'not started by a trigger' };
  for (const [name, input] of [['simple-build', simpleBuildRun()], ['kitchen-sink', kitchenSinkRun()]] as const) {
    for (const [format, file] of [['in-toto', 'in-toto'], ['slsa/v2alpha4', 'slsa-v2alpha4']] as const) {
      it(`${name} ${format}`, () => golden(`${name}.${file}`, build(format, simulated(input), absent)));
    }
  }
});
