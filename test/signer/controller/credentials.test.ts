import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CoreV1Api } from '@kubernetes/client-node';
import { drive } from './drive.ts';
import { buildInput, waitFinal } from './runs.ts';
import { CONTROLLER_NS, pushSubjectImage, startController, startWorld, testConfig, writeConfig, type World } from './setup.ts';
import { RegistryClient } from '../../../signer/storage/oci/client.ts';
import { readAttestationLayers } from '../../../signer/storage/oci/read.ts';

const AUTH = { username: 'pusher', password: 'push-s3cret' };
let w: World;
before(async () => { w = await startWorld({ registryAuth: AUTH }); });
after(async () => { await w.close(); });

test('registry credentials from a dockerconfigjson Secret (storage.oci.credentials-secret)', async () => {
  const dockerconfig = JSON.stringify({ auths: { [w.registry.host]: { auth: Buffer.from(`${AUTH.username}:${AUTH.password}`).toString('base64') } } });
  await w.kc.makeApiClient(CoreV1Api).createNamespacedSecret({
    namespace: CONTROLLER_NS,
    body: { metadata: { name: 'registry-push' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from(dockerconfig).toString('base64') } },
  });
  const data = testConfig(w, { 'storage.oci.credentials-secret': 'registry-push' });
  await writeConfig(w, data);
  const controller = await startController(w, data);
  try {
    const digest = await pushSubjectImage(w, 'demo/private', 'v1');
    await drive(w.kc, buildInput(w, 'private-run', 'demo/private', digest));
    const pr = await waitFinal(w, 'private-run');
    assert.equal(pr.metadata.annotations?.['tekton-provenance.dev/signed'], 'true', pr.metadata.annotations?.['tekton-provenance.dev/failure']);
    const client = new RegistryClient(w.registry.host, { insecure: true, credentials: AUTH });
    assert.equal((await readAttestationLayers(client, 'demo/private', digest)).length, 2);
  } finally {
    await controller.stop();
  }
});

test('a credentials Secret that does not exist stops start-up with STORAGE_MISCONFIGURED', async () => {
  const data = testConfig(w, { 'storage.oci.credentials-secret': 'no-such-secret' });
  await assert.rejects(startController(w, data, { identity: 'misconfigured' }), { code: 'STORAGE_MISCONFIGURED', message: /no-such-secret/ });
});
