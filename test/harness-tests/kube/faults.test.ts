import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiException, CoreV1Api } from '@kubernetes/client-node';
import { startKubeApiServer } from '../../harness/kube/index.ts';
import type { KubeApiServer } from '../../harness/kube/index.ts';
import { rawRequest } from './raw-http.ts';

let server: KubeApiServer;
let core: CoreV1Api;

async function until(cond: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

before(async () => {
  server = await startKubeApiServer();
  core = server.kubeConfig().makeApiClient(CoreV1Api);
  await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 's' } } });
});
after(() => server.close());

test('failNext: the next N matching requests get 429 with Retry-After and a Status; others are untouched', async () => {
  const rule = server.faults.failNext(2, {
    status: 429,
    retryAfterSeconds: 3,
    method: 'GET',
    path: /\/secrets\/s$/,
  });
  for (let i = 0; i < 2; i += 1) {
    const res = await rawRequest(server, 'GET', '/api/v1/namespaces/default/secrets/s');
    assert.equal(res.status, 429);
    assert.equal(res.headers['retry-after'], '3');
    const body = JSON.parse(res.text) as {
      kind: string;
      reason: string;
      details: { retryAfterSeconds: number };
    };
    assert.equal(body.kind, 'Status');
    assert.equal(body.reason, 'TooManyRequests');
    assert.equal(body.details.retryAfterSeconds, 3);
  }
  assert.equal(
    (await core.listNamespacedSecret({ namespace: 'default' })).items.length,
    1,
    'a list does not match the rule',
  );
  assert.equal(
    (await core.readNamespacedSecret({ name: 's', namespace: 'default' })).metadata?.name,
    's',
    'the third read passes',
  );
  assert.equal(rule.hits, 2);
  assert.equal(server.requests.find('GET', /\/secrets\/s$/).filter((r) => r.fault === 'fail').length, 2);
});

test('failNext with 500 and 503 through the real client: ApiException carries the code', async () => {
  server.faults.failNext(1, { status: 500 });
  await assert.rejects(
    core.readNamespacedSecret({ name: 's', namespace: 'default' }),
    (err) => err instanceof ApiException && err.code === 500,
  );
  server.faults.failNext(1);
  await assert.rejects(
    core.readNamespacedSecret({ name: 's', namespace: 'default' }),
    (err) => err instanceof ApiException && err.code === 503,
  );
  await core.readNamespacedSecret({ name: 's', namespace: 'default' });
});

test('latency delays only the matching requests, for the given count', async () => {
  server.faults.latency(150, { method: 'GET', count: 1 });
  const t0 = Date.now();
  await core.readNamespacedSecret({ name: 's', namespace: 'default' });
  const slow = Date.now() - t0;
  const t1 = Date.now();
  await core.readNamespacedSecret({ name: 's', namespace: 'default' });
  const fast = Date.now() - t1;
  console.log(`# latency fault: delayed ${slow} ms, next ${fast} ms`);
  assert.ok(slow >= 150, `delayed request took ${slow} ms`);
});

test('conflictNext: the next write is 409 Conflict and a retry succeeds; reads are not affected', async () => {
  server.faults.conflictNext(1, { path: /\/secrets\/s/ });
  await core.readNamespacedSecret({ name: 's', namespace: 'default' });
  const body = { metadata: { name: 's', labels: { a: 'b' } } };
  await assert.rejects(core.replaceNamespacedSecret({ name: 's', namespace: 'default', body }), (err) => {
    assert.ok(err instanceof ApiException);
    assert.equal(err.code, 409);
    assert.match(String(err.body), /the object has been modified/);
    return true;
  });
  const ok = await core.replaceNamespacedSecret({ name: 's', namespace: 'default', body });
  assert.equal(ok.metadata?.labels?.a, 'b');
});

test('outage "refuse": connections are refused on the same port, then it is back', async () => {
  const port = server.port;
  // A long outage ended by the test: no race with a slow machine.
  const outage = server.faults.outage(60_000, 'refuse');
  try {
    await until(() => server.faults.outageActive, 'the listener to close');
    await assert.rejects(
      rawRequest(server, 'GET', '/api/v1/namespaces/default/secrets/s'),
      (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED',
    );
  } finally {
    server.faults.endOutage();
    await outage;
  }
  assert.equal(server.faults.outageActive, false);
  assert.equal(server.port, port);
  assert.equal((await core.readNamespacedSecret({ name: 's', namespace: 'default' })).metadata?.name, 's');
});

test('outage "503": everything answers 503 for the duration', async () => {
  const outage = server.faults.outage(60_000, '503');
  try {
    await until(() => server.faults.outageActive, 'the outage');
    const res = await rawRequest(server, 'GET', '/api/v1/namespaces/default/secrets/s');
    assert.equal(res.status, 503);
    assert.equal((JSON.parse(res.text) as { reason: string }).reason, 'ServiceUnavailable');
  } finally {
    server.faults.endOutage();
    await outage;
  }
  assert.equal((await rawRequest(server, 'GET', '/api/v1/namespaces/default/secrets/s')).status, 200);
});

test('an outage ends by itself after its duration', async () => {
  await server.faults.outage(50, '503');
  assert.equal((await rawRequest(server, 'GET', '/api/v1/namespaces/default/secrets/s')).status, 200);
});

test('a rule can target one identity: other callers are untouched', async () => {
  const ops = server.kubeconfigFor({ user: 'ops', groups: ['system:masters'] });
  const opsCore = ops.kubeConfig().makeApiClient(CoreV1Api);
  const rule = server.faults.failNext(1, { user: 'ops' });
  await core.readNamespacedSecret({ name: 's', namespace: 'default' });
  await assert.rejects(
    opsCore.readNamespacedSecret({ name: 's', namespace: 'default' }),
    (err) => err instanceof ApiException && err.code === 503,
  );
  await opsCore.readNamespacedSecret({ name: 's', namespace: 'default' });
  assert.equal(rule.hits, 1);
});

test('clear() removes every rule', async () => {
  server.faults.failNext(100);
  server.faults.latency(1000);
  server.faults.clear();
  await core.readNamespacedSecret({ name: 's', namespace: 'default' });
});

test('close() during a refuse outage wins: the server does not listen again; close is idempotent', async () => {
  const other = await startKubeApiServer();
  const outage = other.faults.outage(60_000, 'refuse');
  await other.close();
  await outage;
  await assert.rejects(
    rawRequest(other, 'GET', '/version'),
    (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED',
  );
  await other.close();
});
