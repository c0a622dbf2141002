import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { ATTESTATIONS_ANNOTATION, FINALIZER, SIGNED_ANNOTATION } from '../../../signer/controller/annotations.ts';
import { parseEnvelope } from '../../../signer/dsse/parse.ts';
import { pae } from '../../../signer/dsse/pae.ts';
import { RegistryClient } from '../../../signer/storage/oci/client.ts';
import { COSIGN_SIGNATURE_ANNOTATION, DSSE_LAYER_MEDIA_TYPE } from '../../../signer/storage/oci/layout.ts';
import { readAttestationLayers } from '../../../signer/storage/oci/read.ts';
import { SqliteAttestationStorage } from '../../../signer/storage/sqlite/backend.ts';
import { attestationAnnotationKey } from '../../../signer/storage/tekton/backend.ts';
import { simpleBuildBehaviour, simpleBuildRun } from '../../harness/tekton/index.ts';
import { drive } from './drive.ts';
import type { AttestationController } from '../../../signer/controller/controller.ts';
import { RUN_NS, pushSubjectImage, startController, startWorld, storeEvent, testConfig, writeConfig, writeFileIn, type World } from './setup.ts';
import { join } from 'node:path';

let w: World;
let controller: AttestationController;
before(async () => {
  w = await startWorld();
  const data = testConfig(w);
  await writeConfig(w, data);
  controller = await startController(w, data);
});
after(async () => {
  await controller.stop();
  await w.close();
});

const PR = 'tekton.dev/v1';
type Obj = { metadata: { annotations?: Record<string, string>; finalizers?: string[]; uid: string } };

async function waitSigned(name: string, timeoutMs = 20_000): Promise<Obj> {
  const pr = await w.kube.objects.waitFor(PR, 'PipelineRun', RUN_NS, name, (o) => {
    const s = o?.metadata.annotations?.[SIGNED_ANNOTATION];
    return s === 'true' || s === 'failed';
  }, timeoutMs);
  assert.ok(pr, `${name} was neither signed nor failed within ${timeoutMs} ms`);
  return pr as unknown as Obj;
}

/** Verifies a DSSE signature with the openssl CLI (an implementation independent of node:crypto's API use). */
function opensslVerifies(envelopeJson: string): boolean {
  const env = parseEnvelope(envelopeJson);
  const payload = Buffer.from(env.payload, 'base64');
  const pubPath = writeFileIn(w, 'pub.pem', w.publicKeyPem);
  const msgPath = writeFileIn(w, 'pae.bin', pae(env.payloadType, payload));
  const sigPath = writeFileIn(w, 'sig.der', Buffer.from(env.signatures[0]!.sig, 'base64'));
  try {
    execFileSync('openssl', ['dgst', '-sha256', '-verify', pubPath, '-signature', sigPath, msgPath], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

test('a triggered simple-build run ends with one attestation per format and backend, verifiable with openssl', async () => {
  const digest = await pushSubjectImage(w, 'demo/app', 'v1');
  const event = await storeEvent(w, 'evt-0001');
  const name = 'simple-build-1';
  await drive(w.kc, simpleBuildRun({
    name, namespace: RUN_NS, startTime: new Date(Date.now() - 200_000),
    params: [
      { name: 'repo-url', value: 'https://github.com/tektoncd/pipeline.git' },
      { name: 'revision', value: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' },
      { name: 'image', value: `${w.registry.host}/demo/app` },
    ],
    behaviour: simpleBuildBehaviour(undefined, digest),
    labels: event.labels, annotations: event.annotations,
  }));
  const pr = await waitSigned(name);
  const ann = pr.metadata.annotations ?? {};
  assert.equal(ann[SIGNED_ANNOTATION], 'true', ann['tekton-provenance.dev/failure']);
  assert.ok(!(pr.metadata.finalizers ?? []).includes(FINALIZER), 'finalizer released');
  const locations = JSON.parse(ann[ATTESTATIONS_ANNOTATION] ?? '[]') as Array<{ backend: string; location: string }>;
  assert.deepEqual(locations.map((l) => l.backend).sort(), ['oci', 'oci', 'sqlite', 'sqlite', 'tekton', 'tekton']);

  // OCI: the .att manifest, layer by layer.
  const layers = await readAttestationLayers(new RegistryClient(w.registry.host, { insecure: true }), 'demo/app', digest);
  assert.equal(layers.length, 2);
  const predicateTypes = layers.map((l) => l.descriptor.annotations?.['predicateType']).sort();
  assert.deepEqual(predicateTypes, ['https://slsa.dev/provenance/v0.2', 'https://slsa.dev/provenance/v1']);
  for (const l of layers) {
    assert.equal(l.descriptor.mediaType, DSSE_LAYER_MEDIA_TYPE);
    assert.equal(l.descriptor.annotations?.[COSIGN_SIGNATURE_ANNOTATION], '');
    assert.ok(opensslVerifies(l.envelope.toString('utf8')), 'openssl verifies the OCI envelope');
    const statement = JSON.parse(Buffer.from(parseEnvelope(l.envelope.toString()).payload, 'base64').toString());
    assert.deepEqual(statement.subject, [{ name: `${w.registry.host}/demo/app`, digest: { sha256: digest.slice(7) } }]);
    assert.ok(JSON.stringify(statement).includes(event.record.digest.slice(7)), 'the trigger event digest is in the attestation');
  }
  // tekton: the envelope embedded (it fits the default budget), and it verifies.
  const embedded = ann[attestationAnnotationKey('in-toto')] ?? '';
  assert.ok(embedded.startsWith('{'), 'envelope embedded');
  assert.ok(opensslVerifies(embedded));
  // sqlite: one row per format.
  const db = new SqliteAttestationStorage(join(w.dir, 'attestations.db'));
  assert.deepEqual(db.read(pr.metadata.uid).map((r) => r.format).sort(), ['in-toto', 'slsa/v2alpha4']);
  db.close();
  assert.equal(await controller.metrics.attestations.get().then((m) => m.values.find((v) => v.labels.result === 'signed')?.value), 1);
  // Retention: the event store knows the record is now embedded in this run's attestation.
  const summary = (await w.events.list(undefined, 100)).items.find((s) => s.eventId === event.record.eventId);
  assert.equal(summary?.attestedRun, pr.metadata.uid);
});
