import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TektonApi } from '../../../signer/controller/kube/tekton-api.ts';
import { parseEnvelope } from '../../../signer/dsse/parse.ts';
import { TektonAnnotationStorage, attestationAnnotationKey } from '../../../signer/storage/tekton/backend.ts';
import { ANNOTATIONS_LIMIT_BYTES, annotationsSize } from '../../../signer/storage/tekton/run-annotations.ts';
import { startKubeApiServer, type KubeApiServer } from '../../harness/kube/index.ts';
import { makeAttestation } from './fixtures.ts';
import type { RunRef } from '../../../signer/attest/types.ts';

let kube: KubeApiServer;
let api: TektonApi;
before(async () => {
  kube = await startKubeApiServer();
  api = new TektonApi(kube.kubeConfig(), 'v1');
});
after(async () => { await kube.close(); });

const subjects = [{ name: 'reg.example/app', digest: { sha256: 'd'.repeat(64) } }];
const KEY = attestationAnnotationKey('in-toto');

function seedRun(name: string, annotations: Record<string, string> = {}): RunRef {
  const stored = kube.objects.put({ apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', metadata: { name, namespace: 'ci', annotations } });
  return { apiVersion: 'tekton.dev/v1', namespace: 'ci', name, uid: stored.metadata.uid };
}
const annotationsOf = (name: string): Record<string, string> => kube.objects.get('tekton.dev/v1', 'PipelineRun', 'ci', name)?.metadata.annotations ?? {};

test('embeds the envelope when it fits; storing again changes nothing', async () => {
  const run = seedRun('small');
  const storage = new TektonAnnotationStorage({ api, maxAnnotationBytes: 32_768 });
  const a = await makeAttestation('in-toto', subjects);
  assert.deepEqual(await storage.store(run, a), { backend: 'tekton', location: `annotation:${KEY}` });
  const rv = kube.objects.get('tekton.dev/v1', 'PipelineRun', 'ci', 'small')?.metadata.resourceVersion;
  await storage.store(run, await makeAttestation('in-toto', subjects)); // re-signed after a restart
  assert.equal(kube.objects.get('tekton.dev/v1', 'PipelineRun', 'ci', 'small')?.metadata.resourceVersion, rv);
  assert.equal(parseEnvelope(annotationsOf('small')[KEY] ?? '').signatures[0]?.sig, a.envelope.signatures[0]?.sig);
  assert.equal(attestationAnnotationKey('slsa/v2alpha4'), 'tekton-provenance.dev/attestation-slsa-v2alpha4');
});

test('over the budget: a reference to where the other backends stored it; with none, ANNOTATION_BUDGET_EXCEEDED', async () => {
  const run = seedRun('big');
  const storage = new TektonAnnotationStorage({ api, maxAnnotationBytes: 4096 });
  const a = await makeAttestation('in-toto', subjects, 10_000);
  await assert.rejects(storage.store(run, a), { code: 'ANNOTATION_BUDGET_EXCEEDED' });
  const stored = [{ backend: 'oci', location: 'oci://reg.example/app:sha256-dd.att#sha256:1' }, { backend: 'sqlite', location: 'sqlite:///db#u/in-toto' }];
  await storage.store(run, a, { stored });
  assert.equal(annotationsOf('big')[KEY], 'oci://reg.example/app:sha256-dd.att#sha256:1,sqlite:///db#u/in-toto');
});

test('never over the 256 KiB annotation limit: an object near it gets a reference, not a 422', async () => {
  const run = seedRun('crowded', { 'example.dev/blob': 'x'.repeat(ANNOTATIONS_LIMIT_BYTES - 20_000) });
  const storage = new TektonAnnotationStorage({ api, maxAnnotationBytes: 200_000 });
  const a = await makeAttestation('in-toto', subjects, 15_000);
  await storage.store(run, a, { stored: [{ backend: 'sqlite', location: 'sqlite:///db#u/in-toto' }] });
  assert.equal(annotationsOf('crowded')[KEY], 'sqlite:///db#u/in-toto');
  assert.ok(annotationsSize(annotationsOf('crowded')) <= ANNOTATIONS_LIMIT_BYTES);
});

test('conflicting writers: re-read and retried; a deleted run is RUN_GONE', async () => {
  const run = seedRun('contended');
  kube.faults.conflictNext(3, { method: 'PATCH', path: /pipelineruns\/contended/ });
  const storage = new TektonAnnotationStorage({ api, maxAnnotationBytes: 32_768 });
  await storage.store(run, await makeAttestation('in-toto', subjects));
  assert.ok(annotationsOf('contended')[KEY]?.startsWith('{'));
  await assert.rejects(storage.store({ ...run, name: 'never-existed' }, await makeAttestation('in-toto', subjects)), { code: 'RUN_GONE' });
});
