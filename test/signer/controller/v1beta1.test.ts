import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parseEnvelope } from '../../../signer/dsse/parse.ts';
import { detectTektonVersion } from '../../../signer/controller/kube/tekton-api.ts';
import type { AttestationController } from '../../../signer/controller/controller.ts';
import { drive } from './drive.ts';
import { buildInput, layersPerRun, sqliteRows, waitFinal } from './runs.ts';
import { pushSubjectImage, startController, startWorld, testConfig, writeConfig, type World } from './setup.ts';
import { SqliteAttestationStorage } from '../../../signer/storage/sqlite/backend.ts';
import { join } from 'node:path';

let w: World;
let controller: AttestationController;
before(async () => {
  w = await startWorld();
  const data = testConfig(w);
  await writeConfig(w, data);
  // A Tekton before 0.44 serves only v1beta1: the controller then watches and reads v1beta1.
  controller = await startController(w, data, { tektonVersion: 'v1beta1' });
});
after(async () => {
  await controller.stop();
  await w.close();
});

test('discovery picks tekton.dev/v1 when served', async () => {
  assert.equal(await detectTektonVersion(w.kc), 'v1');
});

test('a v1beta1 cluster: v1beta1-shaped runs are watched, read and attested the same way', async () => {
  const digest = await pushSubjectImage(w, 'demo/beta', 'v1');
  await drive(w.kc, buildInput(w, 'beta-run', 'demo/beta', digest, { apiVersion: 'tekton.dev/v1beta1' }));
  const pr = await waitFinal(w, 'beta-run');
  assert.equal(pr.metadata.annotations?.['tekton-provenance.dev/signed'], 'true', pr.metadata.annotations?.['tekton-provenance.dev/failure']);
  assert.equal((await layersPerRun(w, 'demo/beta', digest)).get(`${pr.metadata.uid}/in-toto`), 1);
  assert.deepEqual(sqliteRows(w, pr.metadata.uid), ['in-toto', 'slsa/v2alpha4']);
  const db = new SqliteAttestationStorage(join(w.dir, 'attestations.db'));
  const row = db.read(pr.metadata.uid).find((r) => r.format === 'in-toto');
  db.close();
  const statement = JSON.parse(Buffer.from(parseEnvelope(row!.envelope).payload, 'base64').toString());
  assert.deepEqual(statement.predicate.buildConfig.tasks.map((t: { name: string }) => t.name), ['git-clone', 'source-security-scan', 'image-build', 'image-security-scan']);
});
