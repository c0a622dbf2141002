import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FAILURE_ANNOTATION, RETRIES_ANNOTATION, SIGNED_ANNOTATION } from '../../../signer/controller/annotations.ts';
import type { AttestationController } from '../../../signer/controller/controller.ts';
import { parseEnvelope } from '../../../signer/dsse/parse.ts';
import { RegistryClient } from '../../../signer/storage/oci/client.ts';
import { COSIGN_BUNDLE_ANNOTATION } from '../../../signer/storage/oci/layout.ts';
import { readAttestationLayers } from '../../../signer/storage/oci/read.ts';
import { SqliteAttestationStorage } from '../../../signer/storage/sqlite/backend.ts';
import type { LoggedEntry } from '../../../signer/transparency/entry.ts';
import { TRANSPARENCY_ANNOTATION, UPLOAD_ANNOTATION } from '../../../signer/transparency/upload.ts';
import { RekorStandIn, trustedRoot } from '../../harness/rekor/index.ts';
import { keyBundle, sigstoreVerifyBundle } from '../transparency/sigstore-check.ts';
import { testSigner } from '../storage/fixtures.ts';
import { drive } from './drive.ts';
import { buildInput, logEntriesFor, waitFinal } from './runs.ts';
import { RUN_NS, pushSubjectImage, startController, startWorld, testConfig, writeConfig, writeFileIn, type World } from './setup.ts';

let w: World;
let rekor: RekorStandIn;
let controller: AttestationController;
let root: Record<string, unknown>;
let data: Record<string, string>;

before(async () => {
  w = await startWorld();
  rekor = await RekorStandIn.start();
  root = trustedRoot({ rekor: { url: rekor.url, publicKey: rekor.log.publicKey } });
  data = testConfig(w, {
    'artifacts.pipelinerun.format': 'in-toto,tekton',
    'transparency.enabled': 'true',
    'transparency.url': rekor.url,
    'transparency.trusted-root': writeFileIn(w, 'trusted_root.json', JSON.stringify(root)),
  });
  await writeConfig(w, data);
  controller = await startController(w, data);
});
after(async () => {
  await controller.stop();
  await rekor.close();
  await w.close();
});

function storedRow(uid: string) {
  const db = new SqliteAttestationStorage(join(w.dir, 'attestations.db'));
  try {
    return db.read(uid);
  } finally {
    db.close();
  }
}

test('transparency on: logged before storing; every backend keeps the entry; @sigstore/verify accepts it offline', async () => {
  const digest = await pushSubjectImage(w, 'demo/tlog', 'v1');
  await drive(w.kc, buildInput(w, 'tlog-on', 'demo/tlog', digest));
  const pr = await waitFinal(w, 'tlog-on');
  const ann = pr.metadata.annotations ?? {};
  assert.equal(ann[SIGNED_ANNOTATION], 'true', ann[FAILURE_ANNOTATION]);
  assert.match(ann[TRANSPARENCY_ANNOTATION] ?? '', new RegExp(`^${rekor.url}/api/v1/log/entries\\?logIndex=\\d+$`));

  // OCI: cosign's bundle annotation on the .att layer; envelopeHash = sha256(layer bytes).
  const layers = await readAttestationLayers(new RegistryClient(w.registry.host, { insecure: true }), 'demo/tlog', digest);
  assert.equal(layers.length, 1);
  const layer = layers[0]!;
  const cosign = JSON.parse(layer.descriptor.annotations?.[COSIGN_BUNDLE_ANNOTATION] ?? 'null');
  const body = JSON.parse(Buffer.from(cosign.Payload.body, 'base64').toString());
  assert.equal(body.spec.envelopeHash.value, createHash('sha256').update(layer.envelope).digest('hex'));
  assert.equal(String(cosign.Payload.logIndex), /logIndex=(\d+)/.exec(ann[TRANSPARENCY_ANNOTATION] ?? '')?.[1]);

  // SQLite and tekton keep the full entry (with proof): verified here by @sigstore/verify alone.
  const rows = storedRow(pr.metadata.uid);
  const inToto = rows.find((r) => r.format === 'in-toto')!;
  const logged = JSON.parse(inToto.tlogEntry ?? 'null') as LoggedEntry;
  assert.ok(logged.entry.inclusionProof, 'inclusion proof kept');
  sigstoreVerifyBundle(keyBundle(parseEnvelope(inToto.envelope), logged.entry), root, testSigner.publicKey);
  assert.equal(ann['tekton-provenance.dev/tlog-in-toto'], inToto.tlogEntry);
  // The `tekton` format is no in-toto statement: stored, not logged.
  assert.equal(rows.find((r) => r.format === 'tekton')?.tlogEntry, undefined);
});

test('a store that fails after the upload, then a retry: the retry reuses the logged envelope, so the log holds one entry for the run', async () => {
  const digest = await pushSubjectImage(w, 'demo/tlog-retry', 'v1');
  const size = rekor.log.size;
  await w.registry.stop(); // oci is the first backend: logged, then nothing stored
  try {
    await drive(w.kc, buildInput(w, 'tlog-retry', 'demo/tlog-retry', digest));
    const retried = await w.kube.objects.waitFor('tekton.dev/v1', 'PipelineRun', RUN_NS, 'tlog-retry', (o) => Number(o?.metadata.annotations?.[RETRIES_ANNOTATION] ?? 0) >= 2, 20_000);
    assert.ok(retried, 'two failed attempts, each after the upload');
  } finally {
    await w.registry.restart();
  }
  const pr = await waitFinal(w, 'tlog-retry', 30_000);
  const ann = pr.metadata.annotations ?? {};
  assert.equal(ann[SIGNED_ANNOTATION], 'true', ann[FAILURE_ANNOTATION]);
  const row = storedRow(pr.metadata.uid).find((r) => r.format === 'in-toto')!;
  const envelope = parseEnvelope(row.envelope);
  assert.equal(logEntriesFor(rekor.log, Buffer.from(envelope.payload, 'base64')), 1, 'one log entry for the run, whatever the number of attempts');
  assert.equal(rekor.log.size, size + 1);
  // Every backend holds that one envelope and its entry.
  const layer = (await readAttestationLayers(new RegistryClient(w.registry.host, { insecure: true }), 'demo/tlog-retry', digest))[0]!;
  assert.equal(layer.envelope.toString(), row.envelope);
  const logged = JSON.parse(row.tlogEntry ?? 'null') as LoggedEntry;
  assert.equal(JSON.parse(layer.descriptor.annotations?.[COSIGN_BUNDLE_ANNOTATION] ?? 'null').Payload.logIndex, Number(logged.entry.logIndex));
  assert.equal(ann[TRANSPARENCY_ANNOTATION], `${rekor.url}/api/v1/log/entries?logIndex=${logged.entry.logIndex}`);
  sigstoreVerifyBundle(keyBundle(envelope, logged.entry), root, testSigner.publicKey);
});

test('Rekor down: never signed=true; bounded retries, then signed=failed naming the log; nothing stored', async () => {
  const digest = await pushSubjectImage(w, 'demo/tlog-down', 'v1');
  rekor.injectFaults('down', 1000, 'POST');
  const start = rekor.count('POST');
  try {
    await drive(w.kc, buildInput(w, 'tlog-down', 'demo/tlog-down', digest));
    const pr = await waitFinal(w, 'tlog-down', 60_000);
    const ann = pr.metadata.annotations ?? {};
    assert.equal(ann[SIGNED_ANNOTATION], 'failed');
    assert.match(ann[FAILURE_ANNOTATION] ?? '', /^transparency: TLOG_UNREACHABLE/);
    assert.equal(ann[TRANSPARENCY_ANNOTATION], undefined);
    assert.deepEqual(storedRow(pr.metadata.uid), []);
    const posts = rekor.count('POST') - start;
    assert.equal(posts, 4 * 4, 'bounded: 4 controller attempts (max-retries 3) x 4 transport attempts');
  } finally {
    rekor.clearFaults();
  }
});

test('manual: only runs annotated chains.tekton.dev/transparency-upload: "true" are logged', async () => {
  await writeConfig(w, { ...data, 'transparency.enabled': 'manual' });
  for (let i = 0; i < 100 && controller.config.transparency.mode !== 'manual'; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(controller.config.transparency.mode, 'manual');
  const digest = await pushSubjectImage(w, 'demo/tlog-manual', 'v1');
  const before = rekor.log.size;
  await drive(w.kc, buildInput(w, 'manual-plain', 'demo/tlog-manual', digest));
  const plain = await waitFinal(w, 'manual-plain');
  assert.equal(plain.metadata.annotations?.[SIGNED_ANNOTATION], 'true');
  assert.equal(plain.metadata.annotations?.[TRANSPARENCY_ANNOTATION], undefined);
  assert.equal(rekor.log.size, before);
  await drive(w.kc, buildInput(w, 'manual-opted', 'demo/tlog-manual', digest, { annotations: { [UPLOAD_ANNOTATION]: 'true' } }));
  const opted = await waitFinal(w, 'manual-opted');
  assert.match(opted.metadata.annotations?.[TRANSPARENCY_ANNOTATION] ?? '', /logIndex=/);
  assert.equal(rekor.log.size, before + 1);
});
