import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { bundleFromJSON, isBundleWithDsseEnvelope } from '@sigstore/bundle';
import { OciAttestationStorage } from '../../../signer/storage/oci/backend.ts';
import { BUNDLE_MEDIA_TYPE } from '../../../signer/storage/oci/bundle.ts';
import { RegistryClient } from '../../../signer/storage/oci/client.ts';
import { listReferrers, readBundleReferrers } from '../../../signer/storage/oci/read.ts';
import { startRegistry, type TestRegistry } from '../../harness/registry/index.ts';
import { makeAttestation, pushImage, runRef } from './fixtures.ts';

let registry: TestRegistry;
before(async () => { registry = await startRegistry({ auth: { username: 'bot', password: 'pw-123' } }); });
after(async () => { await registry.close(); });

const credentials = (): Map<string, { username: string; password: string }> => new Map([[registry.host, { username: 'bot', password: 'pw-123' }]]);

test('sigstore-bundle: an OCI 1.1 referrer with the fallback tag index on docker-registry 2.8, once per run', async () => {
  const digest = await pushImage(registry, 'team/app', 'v1');
  const storage = new OciAttestationStorage({ insecure: true, encoding: 'sigstore-bundle', credentials: credentials() });
  const a = await makeAttestation('in-toto', [{ name: `${registry.host}/team/app`, digest: { sha256: digest.slice(7) } }]);
  const first = await storage.store(runRef('uid-b'), a);
  const again = await storage.store(runRef('uid-b'), await makeAttestation('in-toto', a.subjects));
  assert.equal(first.location, again.location);
  const client = new RegistryClient(registry.host, { insecure: true, credentials: credentials().get(registry.host)! });
  const refs = await listReferrers(client, 'team/app', digest);
  assert.equal(refs.api, false, 'docker-registry 2.8 has no referrers API: the fallback tag is used');
  assert.equal(refs.descriptors.length, 1);
  assert.equal(refs.descriptors[0]?.artifactType, BUNDLE_MEDIA_TYPE);
  const manifest = JSON.parse((await client.getManifest('team/app', refs.descriptors[0]!.digest))!.body.toString());
  assert.equal(manifest.subject.digest, digest);
  assert.equal(manifest.artifactType, BUNDLE_MEDIA_TYPE);
  assert.equal(manifest.annotations['dev.sigstore.bundle.predicateType'], a.predicateType);
  const [bundleBytes] = await readBundleReferrers(client, 'team/app', digest);
  const bundle = bundleFromJSON(JSON.parse(bundleBytes!.toString()));
  assert.ok(isBundleWithDsseEnvelope(bundle));
  assert.equal(bundle.mediaType, BUNDLE_MEDIA_TYPE);
  assert.deepEqual(Buffer.from(bundle.content.dsseEnvelope.payload), a.payload);
});

test('wrong registry credentials are REGISTRY_AUTH, not retried forever', async () => {
  const digest = await pushImage(registry, 'team/locked', 'v1');
  const storage = new OciAttestationStorage({ insecure: true, encoding: 'dsse', credentials: new Map([[registry.host, { username: 'bot', password: 'wrong' }]]) });
  const a = await makeAttestation('in-toto', [{ name: `${registry.host}/team/locked`, digest: { sha256: digest.slice(7) } }]);
  await assert.rejects(storage.store(runRef(), a), { code: 'REGISTRY_AUTH' });
});
