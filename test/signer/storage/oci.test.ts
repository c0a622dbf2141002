import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parseEnvelope } from '../../../signer/dsse/parse.ts';
import { verifyEnvelope } from '../../../signer/dsse/verify.ts';
import { PublicKeyVerifier } from '../../../signer/keys/local.ts';
import { OciAttestationStorage } from '../../../signer/storage/oci/backend.ts';
import { RegistryClient } from '../../../signer/storage/oci/client.ts';
import { parseDockerConfig } from '../../../signer/storage/oci/credentials.ts';
import {
  COSIGN_SIGNATURE_ANNOTATION,
  DSSE_LAYER_MEDIA_TYPE,
  RUN_ANNOTATION,
} from '../../../signer/storage/oci/layout.ts';
import { readAttestationLayers } from '../../../signer/storage/oci/read.ts';
import { startRegistry, type TestRegistry } from '../../harness/registry/index.ts';
import { SLSA_V02, makeAttestation, pushImage, runRef, testPublicKeyPem } from './fixtures.ts';

let registry: TestRegistry;
before(async () => {
  registry = await startRegistry();
});
after(async () => {
  await registry.close();
});

const hex = (digest: string): string => digest.slice('sha256:'.length);

test('dsse: one .att layer per attestation, appended, read back with cosign media types and annotations', async () => {
  const digest = await pushImage(registry, 'team/app', 'v1');
  const storage = new OciAttestationStorage({ insecure: true, encoding: 'dsse' });
  const subject = { name: `${registry.host}/team/app:v1`, digest: { sha256: hex(digest) } };
  const a = await makeAttestation('in-toto', [subject]);
  const b = await makeAttestation('slsa/v2alpha4', [subject]);
  const loc = await storage.store(runRef(), a);
  assert.match(
    loc.location,
    new RegExp(`^oci://${registry.host}/team/app:sha256-${hex(digest)}\\.att#sha256:[0-9a-f]{64}$`),
  );
  await storage.store(runRef(), b);
  const client = new RegistryClient(registry.host, { insecure: true });
  const layers = await readAttestationLayers(client, 'team/app', digest);
  assert.equal(layers.length, 2);
  for (const [i, layer] of layers.entries()) {
    assert.equal(layer.descriptor.mediaType, DSSE_LAYER_MEDIA_TYPE);
    assert.equal(layer.descriptor.annotations?.[COSIGN_SIGNATURE_ANNOTATION], '');
    assert.equal(layer.descriptor.annotations?.['predicateType'], SLSA_V02);
    assert.equal(
      layer.descriptor.annotations?.[RUN_ANNOTATION],
      `uid-1/${i === 0 ? 'in-toto' : 'slsa/v2alpha4'}`,
    );
    const env = parseEnvelope(layer.envelope.toString('utf8'));
    verifyEnvelope(env, [PublicKeyVerifier.fromPem(testPublicKeyPem)], {
      payloadType: 'application/vnd.in-toto+json',
    });
  }
  const manifest = JSON.parse(
    (await client.getManifest('team/app', `sha256-${hex(digest)}.att`))!.body.toString(),
  );
  assert.equal(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.equal(manifest.config.mediaType, 'application/vnd.oci.image.config.v1+json');
  const config = JSON.parse((await client.getBlob('team/app', manifest.config.digest)).toString());
  assert.deepEqual(
    config.rootfs.diff_ids,
    layers.map((l) => l.descriptor.digest),
  );
});

test('dsse: storing again, even re-signed after a restart, adds no layer', async () => {
  const digest = await pushImage(registry, 'team/idem', 'v1');
  const storage = new OciAttestationStorage({ insecure: true, encoding: 'dsse' });
  const subject = { name: `${registry.host}/team/idem`, digest: { sha256: hex(digest) } };
  const first = await makeAttestation('in-toto', [subject]);
  const resigned = await makeAttestation('in-toto', [subject]); // new ECDSA signature: another digest
  const l1 = await storage.store(runRef('uid-9'), first);
  const l2 = await storage.store(runRef('uid-9'), first);
  const l3 = await new OciAttestationStorage({ insecure: true, encoding: 'dsse' }).store(
    runRef('uid-9'),
    resigned,
  );
  assert.equal(l1.location, l2.location);
  assert.equal(l1.location, l3.location);
  const layers = await readAttestationLayers(
    new RegistryClient(registry.host, { insecure: true }),
    'team/idem',
    digest,
  );
  assert.equal(layers.length, 1);
});

test('dsse: concurrent stores for the same image keep every layer', async () => {
  const digest = await pushImage(registry, 'team/busy', 'v1');
  const storage = new OciAttestationStorage({ insecure: true, encoding: 'dsse' });
  const subject = { name: `${registry.host}/team/busy`, digest: { sha256: hex(digest) } };
  const atts = await Promise.all([1, 2, 3, 4, 5].map(() => makeAttestation('in-toto', [subject])));
  await Promise.all(atts.map((a, i) => storage.store(runRef(`uid-c${i}`), a)));
  const layers = await readAttestationLayers(
    new RegistryClient(registry.host, { insecure: true }),
    'team/busy',
    digest,
  );
  assert.equal(layers.length, 5);
});

test('storage.oci.repository puts the .att tag in the configured repository', async () => {
  const digest = await pushImage(registry, 'team/web', 'v2');
  const storage = new OciAttestationStorage({
    insecure: true,
    encoding: 'dsse',
    repository: `${registry.host}/attestations`,
  });
  const a = await makeAttestation('in-toto', [
    { name: `${registry.host}/team/web`, digest: { sha256: hex(digest) } },
  ]);
  await storage.store(runRef('uid-r'), a);
  const client = new RegistryClient(registry.host, { insecure: true });
  assert.equal((await readAttestationLayers(client, 'attestations', digest)).length, 1);
  assert.equal((await readAttestationLayers(client, 'team/web', digest)).length, 0);
});

test('no image subject is NO_IMAGE_SUBJECTS; artifact subjects are skipped', async () => {
  const storage = new OciAttestationStorage({ insecure: true, encoding: 'dsse' });
  const a = await makeAttestation('in-toto', [
    { name: 'pkg:npm/left-pad@1.0.0', digest: { sha256: 'a'.repeat(64) } },
  ]);
  await assert.rejects(storage.store(runRef(), a), { code: 'NO_IMAGE_SUBJECTS' });
});

test('a non-in-toto format (tekton) is NOT_APPLICABLE: cosign reads every .att layer as a statement', async () => {
  const storage = new OciAttestationStorage({ insecure: true, encoding: 'dsse' });
  const a = await makeAttestation('tekton', [{ name: `${registry.host}/team/app`, digest: { sha256: 'e'.repeat(64) } }]);
  await assert.rejects(storage.store(runRef(), { ...a, payloadType: 'application/vnd.tekton-provenance.pipelinerun+json' }), { code: 'NOT_APPLICABLE' });
});

test('a registry that is down then up: the transport retries and the layer lands once', async () => {
  const digest = await pushImage(registry, 'team/outage', 'v1');
  const storage = new OciAttestationStorage({
    insecure: true,
    encoding: 'dsse',
    transport: { retries: 8, backoffMs: 100, timeoutMs: 5000, maxBytes: 1 << 20 },
  });
  const a = await makeAttestation('in-toto', [
    { name: `${registry.host}/team/outage`, digest: { sha256: hex(digest) } },
  ]);
  await registry.stop();
  const restarting = new Promise((r) => setTimeout(r, 400)).then(() => registry.restart());
  const stored = await storage.store(runRef('uid-o'), a);
  await restarting;
  assert.match(stored.location, /\.att#sha256:/);
  assert.equal(
    (
      await readAttestationLayers(
        new RegistryClient(registry.host, { insecure: true }),
        'team/outage',
        digest,
      )
    ).length,
    1,
  );
});

test('a registry that stays down is REGISTRY_UNAVAILABLE (retried later by the controller)', async () => {
  const storage = new OciAttestationStorage({
    insecure: true,
    encoding: 'dsse',
    transport: { retries: 1, backoffMs: 10, timeoutMs: 2000, maxBytes: 1 << 20 },
  });
  const a = await makeAttestation('in-toto', [
    { name: '127.0.0.1:1/team/none', digest: { sha256: 'b'.repeat(64) } },
  ]);
  await assert.rejects(storage.store(runRef(), a), { code: 'REGISTRY_UNAVAILABLE' });
});

test('docker config credentials: parsed from auth or username/password; a bad value is REGISTRY_AUTH', () => {
  const creds = parseDockerConfig(
    JSON.stringify({
      auths: {
        'https://reg.example:5000/v2/': { auth: Buffer.from('bot:s3cr:et').toString('base64') },
        'other.example': { username: 'u', password: 'p' },
      },
    }),
  );
  assert.deepEqual(creds.get('reg.example:5000'), { username: 'bot', password: 's3cr:et' });
  assert.deepEqual(creds.get('other.example'), { username: 'u', password: 'p' });
  assert.throws(() => parseDockerConfig('{nope'), { code: 'REGISTRY_AUTH' });
  assert.throws(
    () =>
      parseDockerConfig(
        JSON.stringify({ auths: { r: { auth: Buffer.from('nocolon').toString('base64') } } }),
      ),
    { code: 'REGISTRY_AUTH' },
  );
});
