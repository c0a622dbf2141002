import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { SIGNED_ANNOTATION } from '../../../signer/controller/annotations.ts';
import { RegistryClient } from '../../../signer/storage/oci/client.ts';
import { RUN_ANNOTATION } from '../../../signer/storage/oci/layout.ts';
import { readAttestationLayers } from '../../../signer/storage/oci/read.ts';
import { SqliteAttestationStorage } from '../../../signer/storage/sqlite/backend.ts';
import { simpleBuildBehaviour, simpleBuildRun, type RunInput } from '../../harness/tekton/index.ts';
import { RUN_NS, type World } from './setup.ts';

export type RunObj = { metadata: { name: string; uid: string; annotations?: Record<string, string>; finalizers?: string[]; deletionTimestamp?: string } };

/** A simple-build run whose image is `digest` in the test registry (repo demo/<repo>). */
export function buildInput(w: World, name: string, repo: string, digest: string, over: Partial<RunInput> = {}): RunInput {
  return simpleBuildRun({
    name, namespace: RUN_NS, startTime: new Date(Date.now() - 200_000),
    params: [
      { name: 'repo-url', value: 'https://github.com/tektoncd/pipeline.git' },
      { name: 'revision', value: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' },
      { name: 'image', value: `${w.registry.host}/${repo}` },
    ],
    behaviour: simpleBuildBehaviour(undefined, digest),
    ...over,
  });
}

/** Waits until the run is signed=true|failed (bounded); fails the test with the state otherwise. */
export async function waitFinal(w: World, name: string, timeoutMs = 20_000): Promise<RunObj> {
  const pr = await w.kube.objects.waitFor('tekton.dev/v1', 'PipelineRun', RUN_NS, name, (o) => {
    const s = o?.metadata.annotations?.[SIGNED_ANNOTATION];
    return s === 'true' || s === 'failed';
  }, timeoutMs);
  const now = w.kube.objects.get('tekton.dev/v1', 'PipelineRun', RUN_NS, name);
  assert.ok(pr, `${name} is neither signed nor failed after ${timeoutMs} ms: ${JSON.stringify(now?.metadata.annotations ?? 'gone')}`);
  return pr as unknown as RunObj;
}

/** How many OCI layers each (run uid, format) has next to an image: exactly-once means all 1. */
export async function layersPerRun(w: World, repo: string, digest: string): Promise<Map<string, number>> {
  const layers = await readAttestationLayers(new RegistryClient(w.registry.host, { insecure: true }), repo, digest);
  const out = new Map<string, number>();
  for (const l of layers) {
    const k = l.descriptor.annotations?.[RUN_ANNOTATION] ?? '?';
    out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

export function sqliteRows(w: World, uid: string): string[] {
  const db = new SqliteAttestationStorage(join(w.dir, 'attestations.db'));
  try {
    return db.read(uid).map((r) => r.format).sort();
  } finally {
    db.close();
  }
}

/** Asserts the run is attested exactly once in every backend: one OCI layer and one sqlite row per format. */
export async function assertAttestedOnce(w: World, pr: RunObj, repo: string, digest: string, formats = ['in-toto', 'slsa/v2alpha4']): Promise<void> {
  assert.equal(pr.metadata.annotations?.[SIGNED_ANNOTATION], 'true', pr.metadata.annotations?.['tekton-provenance.dev/failure']);
  const layers = await layersPerRun(w, repo, digest);
  for (const f of formats) assert.equal(layers.get(`${pr.metadata.uid}/${f}`), 1, `one OCI layer for ${f}`);
  assert.deepEqual(sqliteRows(w, pr.metadata.uid), [...formats].sort());
}

/** How many entries of a Rekor stand-in's log record this payload (dsse body `payloadHash`). */
export function logEntriesFor(log: { size: number; entry(i: number): { body: string } }, payload: Buffer): number {
  const hash = createHash('sha256').update(payload).digest('hex');
  let n = 0;
  for (let i = 0; i < log.size; i++) {
    const body = JSON.parse(Buffer.from(log.entry(i).body, 'base64').toString('utf8')) as { spec?: { payloadHash?: { value?: string } } };
    if (body.spec?.payloadHash?.value === hash) n++;
  }
  return n;
}
