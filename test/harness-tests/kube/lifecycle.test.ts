import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoreV1Api } from '@kubernetes/client-node';
import { startKubeApiServer } from '../../harness/kube/index.ts';

test('start and stop are measured (logged, not asserted); the kubeconfig file is removed on close', async () => {
  const { existsSync } = await import('node:fs');
  const t0 = performance.now();
  const server = await startKubeApiServer();
  const started = performance.now() - t0;
  await server.kubeConfig().makeApiClient(CoreV1Api).listNamespace();
  const t1 = performance.now();
  await server.close();
  const stopped = performance.now() - t1;
  console.log(`# kube test server: start ${started.toFixed(1)} ms, stop ${stopped.toFixed(1)} ms`);
  assert.equal(existsSync(server.kubeconfigPath), false);
});

test('many instances run in parallel on distinct ports with separate state', async () => {
  const t0 = performance.now();
  const servers = await Promise.all(Array.from({ length: 8 }, () => startKubeApiServer()));
  try {
    assert.equal(new Set(servers.map((s) => s.port)).size, servers.length);
    await Promise.all(
      servers.map((s, i) =>
        s
          .kubeConfig()
          .makeApiClient(CoreV1Api)
          .createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: `only-${i}` } } }),
      ),
    );
    for (const [i, s] of servers.entries()) {
      const list = await s
        .kubeConfig()
        .makeApiClient(CoreV1Api)
        .listNamespacedConfigMap({ namespace: 'default' });
      assert.deepEqual(
        list.items.map((c) => c.metadata?.name),
        [`only-${i}`],
      );
    }
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
  console.log(
    `# 8 parallel kube test servers: started, used and stopped in ${(performance.now() - t0).toFixed(1)} ms`,
  );
});

test('close() does not wait for a connection stuck before its TLS handshake', async () => {
  const { connect } = await import('node:net');
  const server = await startKubeApiServer();
  const stuck = connect(server.port, '127.0.0.1');
  await new Promise<void>((resolve) => stuck.once('connect', () => resolve()));
  const closed = new Promise<void>((resolve) => stuck.once('close', () => resolve()));
  const t0 = performance.now();
  await server.close();
  await closed;
  console.log(`# close with a half-open TLS connection: ${(performance.now() - t0).toFixed(1)} ms`);
  assert.equal(stuck.destroyed, true);
});
