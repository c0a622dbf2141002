import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { FINALIZER, RETRIES_ANNOTATION, SIGNED_ANNOTATION } from '../../../signer/controller/annotations.ts';
import type { AttestationController } from '../../../signer/controller/controller.ts';
import { parseEnvelope } from '../../../signer/dsse/parse.ts';
import { SqliteAttestationStorage } from '../../../signer/storage/sqlite/backend.ts';
import { kitchenSinkRun, simpleBuildBehaviour } from '../../harness/tekton/index.ts';
import { drive } from './drive.ts';
import { assertAttestedOnce, buildInput, layersPerRun, sqliteRows, waitFinal } from './runs.ts';
import { RUN_NS, pushSubjectImage, startController, startWorld, testConfig, writeConfig, type World } from './setup.ts';
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

const isDoneStatus = (obj: Record<string, unknown>): boolean =>
  ((obj['status'] as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? [])
    .some((c) => c.type === 'Succeeded' && c.status !== 'Unknown');

test('API 5xx and conflicts on PipelineRun reads and writes: attested exactly once', async () => {
  const digest = await pushSubjectImage(w, 'demo/api', 'v1');
  w.kube.faults.failNext(4, { status: 503, method: 'PATCH', path: /pipelineruns\/api-faults(\?|$)/ });
  w.kube.faults.conflictNext(3, { method: 'PATCH', path: /pipelineruns\/api-faults(\?|$)/ });
  w.kube.faults.failNext(3, { status: 500, method: 'GET', path: /pipelineruns\/api-faults(\?|$)/ });
  w.kube.faults.failNext(2, { status: 503, method: 'GET', path: /taskruns\/api-faults/ });
  await drive(w.kc, buildInput(w, 'api-faults', 'demo/api', digest));
  const pr = await waitFinal(w, 'api-faults', 30_000);
  w.kube.faults.clear();
  await assertAttestedOnce(w, pr, 'demo/api', digest);
});

test('dropped watches (abrupt, and after every 2 events): every run is still attested once', async () => {
  const digest = await pushSubjectImage(w, 'demo/watch', 'v1');
  w.kube.faults.dropWatches({ abrupt: true });
  w.kube.faults.dropWatchesAfterEvents(2, { abrupt: true });
  const names = ['watch-a', 'watch-b', 'watch-c'];
  await Promise.all(names.map((n) => drive(w.kc, buildInput(w, n, 'demo/watch', digest))));
  try {
    for (const n of names) await assertAttestedOnce(w, await waitFinal(w, n, 30_000), 'demo/watch', digest);
  } finally {
    w.kube.faults.clear();
  }
});

test('registry down then up: retried with backoff, then attested once', async () => {
  const digest = await pushSubjectImage(w, 'demo/outage', 'v1');
  await w.registry.stop();
  await drive(w.kc, buildInput(w, 'registry-outage', 'demo/outage', digest));
  const retried = await w.kube.objects.waitFor('tekton.dev/v1', 'PipelineRun', RUN_NS, 'registry-outage', (o) => o?.metadata.annotations?.[RETRIES_ANNOTATION] === '1', 15_000);
  assert.ok(retried, 'a failed attempt is counted on the run');
  assert.equal(retried.metadata.annotations?.[SIGNED_ANNOTATION], undefined, 'not marked signed while nothing was stored');
  await w.registry.restart();
  await assertAttestedOnce(w, await waitFinal(w, 'registry-outage', 30_000), 'demo/outage', digest);
});

test('registry down for good: signed=failed after the last retry, with a Warning Event; never signed', async () => {
  const digest = await pushSubjectImage(w, 'demo/gone', 'v1');
  await w.registry.stop();
  try {
    await drive(w.kc, buildInput(w, 'registry-gone', 'demo/gone', digest));
    const pr = await waitFinal(w, 'registry-gone', 40_000);
    assert.equal(pr.metadata.annotations?.[SIGNED_ANNOTATION], 'failed');
    assert.match(pr.metadata.annotations?.['tekton-provenance.dev/failure'] ?? '', /store: REGISTRY_UNAVAILABLE/);
    assert.equal(pr.metadata.annotations?.[RETRIES_ANNOTATION], '4');
    assert.ok(!(pr.metadata.finalizers ?? []).includes(FINALIZER));
    assert.deepEqual(sqliteRows(w, pr.metadata.uid), [], 'oci is first and failed: nothing half-stored elsewhere');
    // The Event follows the durable signed=failed write: poll for it, bounded.
    let recorded = false;
    for (let i = 0; i < 50 && !recorded; i++) {
      const events = await w.kc.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: RUN_NS });
      recorded = events.items.some((e) => e.involvedObject.name === 'registry-gone' && e.reason === 'AttestationFailed' && e.type === 'Warning');
      if (!recorded) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(recorded, 'a Warning Event AttestationFailed is recorded');
  } finally {
    await w.registry.restart();
  }
  assert.equal((await layersPerRun(w, 'demo/gone', digest)).size, 0);
});

test('a run deleted mid-way is held by the finalizer until attested, then goes', async () => {
  const digest = await pushSubjectImage(w, 'demo/deleted', 'v1');
  const custom = w.kc.makeApiClient(CustomObjectsApi);
  let uid = '';
  await drive(w.kc, buildInput(w, 'deleted-midway', 'demo/deleted', digest), {
    beforeOp: async (op) => {
      if (op.object['kind'] !== 'PipelineRun' || op.op !== 'status' || !isDoneStatus(op.object)) return;
      const held = await w.kube.objects.waitFor('tekton.dev/v1', 'PipelineRun', RUN_NS, 'deleted-midway', (o) => (o?.metadata.finalizers ?? []).includes(FINALIZER), 10_000);
      assert.ok(held, 'the finalizer was added while the run was unfinished');
      uid = held.metadata.uid;
      await custom.deleteNamespacedCustomObject({ group: 'tekton.dev', version: 'v1', namespace: RUN_NS, plural: 'pipelineruns', name: 'deleted-midway' });
    },
  });
  const gone = await w.kube.objects.waitFor('tekton.dev/v1', 'PipelineRun', RUN_NS, 'deleted-midway', (o) => o === undefined, 20_000);
  assert.equal(gone, undefined, 'deleted once attested');
  assert.deepEqual(sqliteRows(w, uid), ['in-toto', 'slsa/v2alpha4']);
  const layers = await layersPerRun(w, 'demo/deleted', digest);
  assert.equal(layers.get(`${uid}/in-toto`), 1);
});

test('a CustomRun child does not block: attested with completeness naming it', async () => {
  await drive(w.kc, kitchenSinkRun({ name: 'with-customrun', namespace: RUN_NS, startTime: new Date(Date.now() - 600_000) }));
  const pr = await waitFinal(w, 'with-customrun', 20_000);
  assert.equal(pr.metadata.annotations?.[SIGNED_ANNOTATION], 'true', pr.metadata.annotations?.['tekton-provenance.dev/failure']);
  const db = new SqliteAttestationStorage(join(w.dir, 'attestations.db'));
  const row = db.read(pr.metadata.uid).find((r) => r.format === 'in-toto');
  db.close();
  const statement = JSON.parse(Buffer.from(parseEnvelope(row!.envelope).payload, 'base64').toString());
  assert.equal(statement.predicate.metadata.completeness.materials, false);
  assert.match(JSON.stringify(statement), /customrun/i);
});

test('a child TaskRun deleted before attestation: after the grace period, attested with the gap recorded', async () => {
  const digest = await pushSubjectImage(w, 'demo/child', 'v1');
  const behaviour = simpleBuildBehaviour(undefined, digest);
  behaviour['image-security-scan'] = { ...behaviour['image-security-scan'], deleteBeforeCompletion: true };
  await drive(w.kc, buildInput(w, 'child-deleted', 'demo/child', digest, { behaviour }));
  const pr = await waitFinal(w, 'child-deleted', 20_000);
  await assertAttestedOnce(w, pr, 'demo/child', digest);
  const db = new SqliteAttestationStorage(join(w.dir, 'attestations.db'));
  const row = db.read(pr.metadata.uid).find((r) => r.format === 'in-toto');
  db.close();
  assert.match(Buffer.from(parseEnvelope(row!.envelope).payload, 'base64').toString(), /deleted/);
});
