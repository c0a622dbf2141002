// Loads the Chains test cases (test/fixtures/chains/) and compares statements as Chains' own
// `compare` package does: subjects, materials, resolved dependencies and byproducts as sets.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { attestRun } from '../../../signer/attest/attest-run.ts';
import { runFromExports } from '../../../signer/attest/exported-run.ts';
import type { EventLink } from '../../../signer/attest/types.ts';
import { TASK_RECORD_MEDIA_TYPE } from '../../../signer/formats/index.ts';
import { LocalSigner } from '../../../signer/keys/local.ts';
import type { TektonRun } from '../../../signer/model/index.ts';
import { FIXTURES, fixtureText, type Json } from '../model/fixtures.ts';

export const CHAINS = 'chains/';

/** One transcribed Chains test case (test/fixtures/chains/README.md). */
export interface ChainsCase {
  file: string;
  chainsTest: string;
  pipelineRun: string;
  taskRuns: string[];
  /** Edits Chains' test makes to the loaded objects (dotted path -> value). */
  replace?: Record<string, unknown>;
  format: string;
  deepInspection: boolean;
  builderId: string;
  buildType?: string;
  /** The whole statement Chains' test expects, or only the parts it checks (dotted path -> value). */
  expected?: Json;
  expectedParts?: Record<string, unknown>;
}

export function chainsCases(): ChainsCase[] {
  return readdirSync(`${FIXTURES}${CHAINS}expected`)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ file: f, ...(JSON.parse(fixtureText(`${CHAINS}expected/${f}`)) as Omit<ChainsCase, 'file'>) }));
}

const ABSENT: EventLink = { state: 'absent', reason: 'not started by a trigger' };
const signer = LocalSigner.fromPem(fixtureText('keys/attestation-signer.key.pem'));

/** The run as `tkn-provenance attest` reads it: exported JSON text through runFromExports. */
export function runOf(c: Pick<ChainsCase, 'pipelineRun' | 'taskRuns' | 'replace'>): TektonRun {
  const pr = JSON.parse(fixtureText(CHAINS + c.pipelineRun)) as Json;
  for (const [path, value] of Object.entries(c.replace ?? {})) setPath(pr, path, value);
  return runFromExports(JSON.stringify(pr), c.taskRuns.map((t) => fixtureText(CHAINS + t)));
}

/** Signs as the CLI does (attestRun validates every statement with subjects) and returns the parsed payload and subjects. */
export async function attest(run: TektonRun, format: string, opts: { deep: boolean; builderId?: string; buildType?: string }): Promise<{ statement: Json; subjects: unknown[] }> {
  const [a] = await attestRun(run, { formats: [format], signer, event: ABSENT, deepInspection: opts.deep, ...(opts.builderId ? { builderId: opts.builderId } : {}), ...(opts.buildType ? { buildType: opts.buildType } : {}) });
  return { statement: JSON.parse(a!.payload.toString('utf8')) as Json, subjects: a!.subjects };
}

/**
 * Our statement as Chains would see it: our documented additions removed (docs/formats.md):
 * v0.2 triggerEvent, incompleteTasks, buildInvocationId, completeness (stated, not always false)
 * and the event material; v1.0 `tekton-provenance.dev/*` internal parameters, the
 * triggerEvent dependency and the `pipelineTask/*` task-record byproducts.
 */
export function withoutAdditions(statement: Json): Json {
  const s = structuredClone(statement);
  const p = s['predicate'] as Json;
  if (p['buildConfig']) {
    delete p['buildConfig']['triggerEvent'];
    delete p['buildConfig']['incompleteTasks'];
    delete p['metadata']['buildInvocationId'];
    delete p['metadata']['completeness'];
    p['materials'] = (p['materials'] as Json[]).filter((m) => !String(m['uri']).startsWith('urn:tekton-provenance:event:'));
  }
  if (p['buildDefinition']) {
    const internal = p['buildDefinition']['internalParameters'] as Json;
    for (const k of Object.keys(internal)) if (k.startsWith('tekton-provenance.dev/')) delete internal[k];
    p['buildDefinition']['resolvedDependencies'] = (p['buildDefinition']['resolvedDependencies'] as Json[]).filter((d) => d['name'] !== 'triggerEvent');
    p['runDetails']['byproducts'] = (p['runDetails']['byproducts'] as Json[]).filter((b) => b['mediaType'] !== TASK_RECORD_MEDIA_TYPE);
  }
  return s;
}

/** The lists Chains' compare options sort before comparing. */
const SET_PATHS = ['subject', 'predicate.materials', 'predicate.buildDefinition.resolvedDependencies', 'predicate.runDetails.byproducts'];

/** Chains' expectation with `{"$taskRun": file}` contents resolved and its completeness dropped (see withoutAdditions). */
export function expectedOf(c: ChainsCase): Json | Record<string, unknown> {
  const e = structuredClone(c.expected ?? c.expectedParts ?? {}) as Json;
  resolveTaskRuns(e);
  if (e['predicate']?.['metadata']) delete e['predicate']['metadata']['completeness'];
  return e;
}

export function assertChainsEqual(actual: Json, expected: Json, what: string): void {
  assert.deepEqual(asSets(actual, ''), asSets(expected, ''), what);
}

/** A statement with each set-compared list sorted by canonical JSON. */
export function asSets(v: unknown, path: string): unknown {
  if (Array.isArray(v)) {
    const items = v.map((x, i) => asSets(x, `${path}.${i}`));
    return SET_PATHS.includes(path.replace(/^\./, '')) ? items.sort((a, b) => (canon(a) < canon(b) ? -1 : canon(a) > canon(b) ? 1 : 0)) : items;
  }
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, asSets((v as Json)[k], `${path}.${k}`)]));
  }
  return v;
}

export function getPath(o: Json, path: string): unknown {
  return path.split('.').reduce<unknown>((x, k) => (x as Json | undefined)?.[k], o);
}

function setPath(o: Json, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() as string;
  let x: Json = o;
  for (const k of keys) x = (x[k] ??= {}) as Json;
  x[last] = value;
}

function resolveTaskRuns(v: unknown): void {
  if (Array.isArray(v)) v.forEach(resolveTaskRuns);
  else if (v !== null && typeof v === 'object') {
    const o = v as Json;
    if (o['content'] && typeof o['content'] === 'object' && typeof o['content']['$taskRun'] === 'string') {
      o['content'] = Buffer.from(JSON.stringify(JSON.parse(fixtureText(CHAINS + o['content']['$taskRun'])))).toString('base64');
    }
    Object.values(o).forEach(resolveTaskRuns);
  }
}

function canon(v: unknown): string {
  return JSON.stringify(v);
}
