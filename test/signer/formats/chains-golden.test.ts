import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formats } from '../../../signer/formats/index.ts';
import { validateStatement } from '../../../signer/intoto/validate.ts';
import { asSets, assertChainsEqual, attest, chainsCases, expectedOf, getPath, runOf, withoutAdditions, type ChainsCase } from './chains-compare.ts';

// Every PipelineRun case of Chains' formatter tests, transcribed in test/fixtures/chains/
// (README there cites file and test), run through attestRun as `tkn-provenance attest` does.
describe("Chains' PipelineRun test cases give Chains' statements (compared as Chains' compare package does)", () => {
  for (const c of chainsCases()) {
    it(`${c.file}: ${c.chainsTest.split(' ')[1] ?? c.chainsTest}`, async () => {
      const { statement } = await attest(runOf(c), c.format, { deep: c.deepInspection, builderId: c.builderId, ...(c.buildType ? { buildType: c.buildType } : {}) });
      const ours = withoutAdditions(statement);
      const expected = expectedOf(c);
      if (c.expected) assertChainsEqual(ours, expected, c.chainsTest);
      for (const [path, value] of Object.entries(c.expectedParts ? expected : {})) {
        assert.deepEqual(asSets(getPath(ours, path), path), asSets(value, path), `${c.chainsTest}: ${path}`);
      }
    });
  }
});

const FORMATS = ['in-toto', 'slsa/v1', 'slsa/v2alpha3', 'slsa/v2alpha4', 'tekton'];

/** Chains PipelineRun fixtures no Chains test turns into a statement: still run in every format. */
const OTHER_FIXTURES: Pick<ChainsCase, 'pipelineRun' | 'taskRuns'>[] = [
  { pipelineRun: 'slsa-v2alpha4/pipelinerun-remote-resolver.json', taskRuns: [] },
  { pipelineRun: 'slsa-v2alpha3/pipelinerun_structured_results.json', taskRuns: ['slsa-v2alpha3/taskrun1.json', 'slsa-v2alpha3/taskrun2.json'] },
  { pipelineRun: 'slsa-v2alpha4/pipelinerun_structured_results.json', taskRuns: ['slsa-v2alpha4/taskrun1.json', 'slsa-v2alpha4/taskrun2.json'] },
];

describe('every Chains fixture in every format, with and without deep inspection', () => {
  const runs = new Map<string, Pick<ChainsCase, 'pipelineRun' | 'taskRuns' | 'replace'>>(chainsCases().map((c) => [JSON.stringify([c.pipelineRun, c.taskRuns, c.replace]), c]));
  for (const c of OTHER_FIXTURES) runs.set(JSON.stringify([c.pipelineRun, c.taskRuns]), c);
  for (const c of runs.values()) {
    for (const deep of [false, true]) {
      it(`${c.pipelineRun} + ${c.taskRuns.length} TaskRuns${c.replace ? ' (edited)' : ''}, deep inspection ${deep ? 'on' : 'off'}`, async () => {
        const run = runOf(c);
        const out = new Map<string, Awaited<ReturnType<typeof attest>>>();
        for (const f of FORMATS) {
          const a = await attest(run, f, { deep });
          if (f !== 'tekton') validateStatement(a.statement, { predicateType: formats.get(f).predicateType, allowNoSubjects: true });
          out.set(f, a);
        }
        // Chains' in-toto and v2alpha3 share extract.SubjectDigests and the material functions.
        const subjects = (f: string): unknown => asSets(out.get(f)!.statement['subject'], 'subject');
        assert.deepEqual(subjects('slsa/v2alpha3'), subjects('in-toto'));
        assert.deepEqual(asSets(out.get('tekton')!.subjects, 'subject'), subjects('in-toto'));
        const mats = (withoutAdditions(out.get('in-toto')!.statement)['predicate']['materials'] as object[]);
        const deps = (withoutAdditions(out.get('slsa/v2alpha3')!.statement)['predicate']['buildDefinition']['resolvedDependencies'] as { uri: string; digest: object }[]).map((d) => ({ uri: d.uri, digest: d.digest }));
        assert.deepEqual(asSets(mats, 'predicate.materials'), asSets(deps, 'predicate.materials'));
      });
    }
  }
});
