import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { AttestationController } from '../../../signer/controller/controller.ts';
import { parseEnvelope } from '../../../signer/dsse/parse.ts';
import { SqliteAttestationStorage } from '../../../signer/storage/sqlite/backend.ts';
import { drive } from './drive.ts';
import { buildInput, waitFinal } from './runs.ts';
import { startController, startWorld, testConfig, writeConfig, type World } from './setup.ts';

// Chains' artifacts.pipelinerun.enable-deep-inspection, read from the ConfigMap, reaches the
// formats: the TaskRuns' results become v2alpha4 byproducts (they are not without it).
let w: World;
let controller: AttestationController;
before(async () => {
  w = await startWorld({ registry: false }); // sqlite storage only: no registry needed
  const data = testConfig(w, { 'artifacts.pipelinerun.format': 'slsa/v2alpha4', 'artifacts.pipelinerun.storage': 'sqlite', 'artifacts.pipelinerun.enable-deep-inspection': 'true' });
  await writeConfig(w, data);
  controller = await startController(w, data);
});
after(async () => {
  await controller.stop();
  await w.close();
});

test('enable-deep-inspection: the controller attests the TaskRuns\' results too', async () => {
  const digest = `sha256:${'4e'.repeat(32)}`;
  await drive(w.kc, buildInput({ ...w, registry: { host: 'reg.example' } } as World, 'deep-run', 'demo/deep', digest));
  const pr = await waitFinal(w, 'deep-run');
  assert.equal(pr.metadata.annotations?.['tekton-provenance.dev/signed'], 'true', pr.metadata.annotations?.['tekton-provenance.dev/failure']);
  const db = new SqliteAttestationStorage(join(w.dir, 'attestations.db'));
  const row = db.read(pr.metadata.uid).find((r) => r.format === 'slsa/v2alpha4');
  db.close();
  const statement = JSON.parse(Buffer.from(parseEnvelope(row!.envelope).payload, 'base64').toString());
  const names: string[] = statement.predicate.runDetails.byproducts.map((b: { name: string }) => b.name);
  assert.ok(names.some((n) => n.startsWith('taskRunResults/')), names.join(', '));
  assert.ok(statement.subject.some((s: { name: string }) => s.name.endsWith('/demo/deep')), JSON.stringify(statement.subject));
});
