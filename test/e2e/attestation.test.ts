// Issue 5, "Done means" first bullet, end to end: a signed GitHub push through the
// EventListener simulator and our HTTPS interceptor starts a PipelineRun (annotated by the
// shipped TriggerTemplate); the run simulator plays Tekton; our controller (reconfigured live
// through its ConfigMap to three formats and three backends) attests it. Checked: one
// attestation per format and backend, the OCI `.att` manifest layer by layer, and every DSSE
// signature with the openssl CLI (an implementation independent of ours).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { CONFIGMAP_NAME } from '../../signer/config/parse.ts';
import { ATTESTATIONS_ANNOTATION, FAILURE_ANNOTATION, FINALIZER, SIGNED_ANNOTATION } from '../../signer/controller/annotations.ts';
import { parseEnvelope } from '../../signer/dsse/parse.ts';
import { pae } from '../../signer/dsse/pae.ts';
import { TRIGGERS_EVENT_ID_LABEL } from '../../signer/events/event-record.ts';
import { RegistryClient } from '../../signer/storage/oci/client.ts';
import { COSIGN_SIGNATURE_ANNOTATION, DSSE_LAYER_MEDIA_TYPE, OCI_CONFIG_MEDIA_TYPE, RUN_ANNOTATION } from '../../signer/storage/oci/layout.ts';
import { readAttestationLayers } from '../../signer/storage/oci/read.ts';
import { SqliteAttestationStorage } from '../../signer/storage/sqlite/backend.ts';
import { attestationAnnotationKey } from '../../signer/storage/tekton/backend.ts';
import { githubDelivery, githubExamples } from '../harness/fixtures/webhooks.ts';
import { runPipeline, simpleBuildBehaviour, simpleBuildRun, type Param } from '../harness/tekton/index.ts';
import { pushTinyImage } from './support/image.ts';
import { GITHUB_SECRET, IMAGE_REPO, RUN_NS, SYSTEM_NS, startWorld, type World } from './support/world.ts';

const FORMATS = ['in-toto', 'slsa/v2alpha4', 'tekton'];
const PUSH = githubExamples('push')[0] as { after: string };
type Run = { metadata: { name: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] }; spec: { params: Param[] } };

let w: World;
before(async () => { w = await startWorld(); });
after(async () => { await w?.close(); });

function opensslVerifies(envelopeJson: string, tag: string): boolean {
  const env = parseEnvelope(envelopeJson);
  const files = { msg: join(w.dir, `${tag}.pae`), sig: join(w.dir, `${tag}.sig`) };
  writeFileSync(files.msg, pae(env.payloadType, Buffer.from(env.payload, 'base64')));
  writeFileSync(files.sig, Buffer.from(env.signatures[0]?.sig ?? '', 'base64'));
  try {
    execFileSync('openssl', ['dgst', '-sha256', '-verify', w.publicKeyPath, '-signature', files.sig, files.msg], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

async function until(cond: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return cond();
}

test('a triggered run ends with one attestation per configured format and backend, each verifiable', async () => {
  // Reconfigure the running controller: three formats, three backends (reload, no restart).
  const sqlitePath = join(w.dir, 'attestations.db');
  const core = w.kc.makeApiClient(CoreV1Api);
  const cm = await core.readNamespacedConfigMap({ name: CONFIGMAP_NAME, namespace: SYSTEM_NS });
  cm.data = { ...cm.data, 'artifacts.pipelinerun.format': FORMATS.join(','), 'artifacts.pipelinerun.storage': 'oci,tekton,sqlite', 'storage.sqlite.path': sqlitePath };
  await core.replaceNamespacedConfigMap({ name: CONFIGMAP_NAME, namespace: SYSTEM_NS, body: cm });
  assert.ok(await until(() => w.controller()?.config.storage.includes('sqlite') ?? false, 10_000), 'the controller reloaded its config');

  const digest = await pushTinyImage(w.registry, IMAGE_REPO, 'attest-e2e');
  const result = await w.listener.handle(githubDelivery('push', PUSH, GITHUB_SECRET));
  const trigger = result.triggers[0];
  assert.ok(trigger?.continued, `the interceptor let the event through: ${JSON.stringify(trigger?.stoppedBy?.response ?? trigger?.error)}`);
  const created = trigger.created?.[0] as Run;
  assert.equal(created.metadata.labels?.[TRIGGERS_EVENT_ID_LABEL], result.eventId);
  const held = await w.kube.objects.waitFor('tekton.dev/v1', 'PipelineRun', RUN_NS, created.metadata.name, (o) => (o?.metadata.finalizers ?? []).includes(FINALIZER), 10_000);
  assert.ok(held, 'the unfinished run is held by our finalizer');

  await runPipeline(w.kc, simpleBuildRun({
    name: created.metadata.name, namespace: RUN_NS, params: created.spec.params,
    behaviour: simpleBuildBehaviour(PUSH.after, digest), startTime: new Date(Date.now() - 200_000),
  }), { adopt: true, mergeStatus: true });
  const done = await w.kube.objects.waitFor('tekton.dev/v1', 'PipelineRun', RUN_NS, created.metadata.name, (o) => ['true', 'failed'].includes(o?.metadata.annotations?.[SIGNED_ANNOTATION] ?? ''), 60_000);
  const pr = done as unknown as Run;
  const ann = pr.metadata.annotations ?? {};
  assert.equal(ann[SIGNED_ANNOTATION], 'true', ann[FAILURE_ANNOTATION]);
  assert.ok(!(pr.metadata.finalizers ?? []).includes(FINALIZER), 'finalizer released once signed');

  // Locations: every format in tekton + sqlite; the in-toto formats also in OCI (cosign's
  // .att holds only in-toto statements).
  const stored = JSON.parse(ann[ATTESTATIONS_ANNOTATION] ?? '[]') as Array<{ backend: string }>;
  const count = (b: string): number => stored.filter((s) => s.backend === b).length;
  assert.deepEqual([count('oci'), count('tekton'), count('sqlite')], [2, 3, 3], JSON.stringify(stored));

  // OCI, layer by layer.
  const client = new RegistryClient(w.registry.host, { insecure: true });
  const manifest = JSON.parse((await client.getManifest(IMAGE_REPO, `sha256-${digest.slice(7)}.att`))!.body.toString());
  assert.equal(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.equal(manifest.config.mediaType, OCI_CONFIG_MEDIA_TYPE);
  const layers = await readAttestationLayers(client, IMAGE_REPO, digest);
  assert.deepEqual(layers.map((l) => l.descriptor.annotations?.[RUN_ANNOTATION]), [`${pr.metadata.uid}/in-toto`, `${pr.metadata.uid}/slsa/v2alpha4`]);
  for (const l of layers) {
    assert.equal(l.descriptor.mediaType, DSSE_LAYER_MEDIA_TYPE);
    assert.equal(l.descriptor.annotations?.[COSIGN_SIGNATURE_ANNOTATION], '');
    const statement = JSON.parse(Buffer.from(parseEnvelope(l.envelope.toString()).payload, 'base64').toString());
    assert.equal(l.descriptor.annotations?.['predicateType'], statement.predicateType);
    assert.deepEqual(statement.subject, [{ name: w.image, digest: { sha256: digest.slice(7) } }]);
    assert.ok(opensslVerifies(l.envelope.toString(), `oci-${l.descriptor.digest.slice(7, 15)}`), 'openssl verifies the OCI layer');
  }
  // tekton annotations: the envelope when it fits `storage.tekton.max-annotation-bytes`
  // (verified with openssl), otherwise a reference to where oci/sqlite stored it.
  let embeddedCount = 0;
  for (const f of FORMATS) {
    const value = ann[attestationAnnotationKey(f)] ?? '';
    if (value.startsWith('{')) {
      embeddedCount++;
      assert.ok(opensslVerifies(value, `ann-${f.replace('/', '-')}`), `openssl verifies the ${f} annotation`);
    } else {
      assert.match(value, new RegExp(`sqlite://${sqlitePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}#${pr.metadata.uid}/${f.replace('/', '\\/')}`), `${f}: a reference to its other copies`);
    }
  }
  assert.ok(embeddedCount >= 1, 'at least the in-toto envelope fits the default budget');
  const db = new SqliteAttestationStorage(sqlitePath);
  const rows = db.read(pr.metadata.uid);
  db.close();
  assert.deepEqual(rows.map((r) => r.format).sort(), [...FORMATS].sort());
  for (const r of rows) assert.ok(opensslVerifies(r.envelope, `db-${r.format.replace('/', '-')}`));
});
