// Loads the Chains-derived fixtures (test/fixtures/chains-pipeline) as exported objects.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseKubeObjects } from '../../../signer/model/index.ts';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

export function fixtureText(rel: string): string {
  return readFileSync(`${FIXTURES}${rel}`, 'utf8');
}

export function fixtureObjects(rel: string): object[] {
  return parseKubeObjects(fixtureText(rel), rel);
}

/** Exported JSON as tests mutate it (field access without casts, on purpose). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- mutable test JSON
export type Json = Record<string, any>;

/** A deep copy of the v1 PipelineRun fixture, to mutate per test. */
export function pipelineRunV1(): Json {
  return structuredClone(fixtureObjects('chains-pipeline/pipelinerun.json')[0]) as Json;
}

export function taskRunsV1(): Json[] {
  return structuredClone(fixtureObjects('chains-pipeline/taskruns.json')) as Json[];
}
