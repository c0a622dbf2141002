import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CoreV1Api } from '@kubernetes/client-node';
import { CHAINS_CONFIGMAP_NAME, CONFIGMAP_NAME } from '../../../signer/config/parse.ts';
import { loadConfig, watchConfig } from '../../../signer/config/source.ts';
import type { ProvenanceConfig } from '../../../signer/config/types.ts';
import { startKubeApiServer, type KubeApiServer } from '../../harness/kube/index.ts';

const NS = 'tekton-provenance';
let kube: KubeApiServer;
before(async () => { kube = await startKubeApiServer({ namespace: NS }); });
after(async () => { await kube.close(); });

async function put(name: string, data: Record<string, string>): Promise<void> {
  const core = kube.kubeConfig().makeApiClient(CoreV1Api);
  const body = { metadata: { name, namespace: NS }, data };
  try {
    await core.createNamespacedConfigMap({ namespace: NS, body });
  } catch {
    await core.replaceNamespacedConfigMap({ name, namespace: NS, body });
  }
}

async function until<T>(get: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('start-up: no ConfigMap = defaults; chains-config is read; an invalid key refuses to start with its code', async () => {
  assert.deepEqual((await loadConfig(kube.kubeConfig(), NS)).storage, ['sqlite']);
  await put(CHAINS_CONFIGMAP_NAME, { 'artifacts.pipelinerun.storage': 'oci', 'storage.oci.repository': 'reg.example/att' });
  assert.deepEqual((await loadConfig(kube.kubeConfig(), NS)).storage, ['oci']);
  await put(CONFIGMAP_NAME, { 'artifacts.pipelinerun.format': 'slsa/v3' });
  await assert.rejects(loadConfig(kube.kubeConfig(), NS), { code: 'UNKNOWN_FORMAT' });
});

test('reload: a valid edit is applied; an invalid edit is reported and the running config kept', async () => {
  await put(CONFIGMAP_NAME, { 'artifacts.pipelinerun.format': 'in-toto' });
  let current: ProvenanceConfig | undefined;
  const invalid: string[] = [];
  const watch = await watchConfig(kube.kubeConfig(), NS, (c) => { current = c; }, (err) => invalid.push((err as { code: string }).code));
  try {
    assert.deepEqual((await until(() => current)).formats, ['in-toto']);
    await put(CONFIGMAP_NAME, { 'artifacts.pipelinerun.format': 'in-toto,tekton', 'artifacts.pipelinerun.storage': 'tekton' });
    await until(() => (current?.formats.length === 2 ? current : undefined));
    assert.deepEqual(current?.storage, ['tekton']);
    await put(CONFIGMAP_NAME, { 'artifacts.pipelinerun.storage': 'tekton,gcs' });
    await until(() => (invalid.length > 0 ? invalid : undefined));
    assert.deepEqual(invalid, ['UNKNOWN_STORAGE']);
    assert.deepEqual(current?.storage, ['tekton'], 'the running config is kept');
  } finally {
    await watch.stop();
  }
});
