import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CoreV1Api, Watch } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { startKubeApiServer } from '../../harness/kube/index.ts';
import type { KubeApiServer } from '../../harness/kube/index.ts';
import { watchLines } from './raw-http.ts';

let server: KubeApiServer;
let kc: KubeConfig;
let core: CoreV1Api;

before(async () => {
  server = await startKubeApiServer({ bookmarkIntervalMs: 50 });
  kc = server.kubeConfig();
  core = kc.makeApiClient(CoreV1Api);
});
after(() => server.close());

interface Seen {
  type: string;
  name: string;
  rv: string;
}

/**
 * A resuming watch built only from client-node's Watch: on every end of stream (clean or not) it
 * re-watches from the last resourceVersion it saw. Bounded: stops when `stop()` is called.
 */
function resumingWatch(path: string, query: Record<string, string>) {
  const seen: Seen[] = [];
  let lastRv = query.resourceVersion ?? '';
  let stopped = false;
  let current: AbortController | undefined;
  let connects = 0;
  const connect = async (): Promise<void> => {
    if (stopped) return;
    connects += 1;
    current = await new Watch(kc).watch(
      path,
      { ...query, resourceVersion: lastRv },
      (type, obj: { metadata: { name: string; resourceVersion: string } }) => {
        if (type !== 'BOOKMARK')
          seen.push({ type, name: obj.metadata.name, rv: obj.metadata.resourceVersion });
        lastRv = obj.metadata.resourceVersion;
      },
      () => setTimeout(() => void connect(), 5),
    );
  };
  return {
    seen,
    start: connect,
    get connects() {
      return connects;
    },
    stop: () => {
      stopped = true;
      current?.abort();
    },
  };
}

async function until(cond: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('a watch that resumes after dropped connections sees every event exactly once', async () => {
  const ns = 'resume';
  const startRv = server.resourceVersion();
  const w = resumingWatch(`/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: startRv });
  await w.start();
  const drops = server.faults.dropWatchesAfterEvents(7);
  const written: string[] = [];
  for (let i = 0; i < 30; i += 1) {
    const cm = await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: `cm-${i}` }, data: { i: String(i) } },
    });
    written.push(cm.metadata?.resourceVersion ?? '');
    if (i % 10 === 9) server.faults.dropWatches({ abrupt: true });
  }
  for (let i = 0; i < 30; i += 3) {
    const cm = await core.patchNamespacedConfigMap({
      name: `cm-${i}`,
      namespace: ns,
      body: [{ op: 'add', path: '/data/x', value: 'y' }],
    });
    written.push(cm.metadata?.resourceVersion ?? '');
  }
  await until(() => w.seen.length >= written.length, `${written.length} events`);
  await new Promise((r) => setTimeout(r, 100)); // a duplicate would arrive now
  drops.clear();
  w.stop();
  assert.deepEqual(
    w.seen.map((s) => s.rv),
    written,
    'every write exactly once, in order',
  );
  assert.equal(w.seen.filter((s) => s.type === 'ADDED').length, 30);
  assert.equal(w.seen.filter((s) => s.type === 'MODIFIED').length, 10);
  assert.ok(w.connects > 5, `the stream was dropped and resumed (${w.connects} connects)`);
});

test('a watch from a resourceVersion older than the history gets an ERROR event with a 410 Status', async () => {
  await core.createNamespacedConfigMap({ namespace: 'expire', body: { metadata: { name: 'a' } } });
  const old = server.resourceVersion();
  await core.createNamespacedConfigMap({ namespace: 'expire', body: { metadata: { name: 'b' } } });
  server.compactHistory();
  const events: Array<{ type: string; obj: { code?: number; reason?: string; kind?: string } }> = [];
  const ended = new Promise<unknown>((resolve) => {
    void new Watch(kc).watch(
      '/api/v1/namespaces/expire/configmaps',
      { resourceVersion: Number(old) - 1 },
      (type, obj) => events.push({ type, obj }),
      resolve,
    );
  });
  assert.equal(await ended, null, 'the stream ends cleanly after the error');
  assert.equal(events.length, 1);
  assert.equal(events[0]?.type, 'ERROR');
  assert.equal(events[0]?.obj.kind, 'Status');
  assert.equal(events[0]?.obj.code, 410);
  assert.equal(events[0]?.obj.reason, 'Expired');
  // Resuming exactly at the compaction point loses nothing, so it is allowed.
  const fine = await fetchWatchLines(
    `/api/v1/namespaces/expire/configmaps?watch=true&resourceVersion=${server.resourceVersion()}&timeoutSeconds=1`,
  );
  assert.deepEqual(fine, []);
});

function fetchWatchLines(pathAndQuery: string): Promise<Array<{ type: string }>> {
  return watchLines(server, pathAndQuery);
}

test('no resourceVersion: synthetic ADDED for current objects; timeoutSeconds ends the stream', async () => {
  await core.createNamespacedSecret({ namespace: 'initial', body: { metadata: { name: 's1' } } });
  await core.createNamespacedSecret({ namespace: 'initial', body: { metadata: { name: 's2' } } });
  const started = Date.now();
  const lines = await fetchWatchLines('/api/v1/namespaces/initial/secrets?watch=1&timeoutSeconds=1');
  assert.deepEqual(
    lines.map((l) => l.type),
    ['ADDED', 'ADDED'],
  );
  assert.ok(Date.now() - started >= 900, 'stream held open until the timeout');
});

test('bookmarks arrive when asked for and carry the current resourceVersion', async () => {
  const lines = (await fetchWatchLines(
    '/api/v1/namespaces/bm/secrets?watch=true&allowWatchBookmarks=true&timeoutSeconds=1',
  )) as Array<{ type: string; object: { metadata: { resourceVersion: string }; kind: string } }>;
  const bookmarks = lines.filter((l) => l.type === 'BOOKMARK');
  assert.ok(bookmarks.length >= 3, `got ${bookmarks.length} bookmarks`);
  assert.equal(bookmarks[0]?.object.kind, 'Secret');
  assert.equal(bookmarks[0]?.object.metadata.resourceVersion, server.resourceVersion());
  const none = await fetchWatchLines('/api/v1/namespaces/bm/secrets?watch=true&timeoutSeconds=1');
  assert.deepEqual(none, []);
});

test('label selectors on watches: leaving the selector is DELETED, entering it is ADDED', async () => {
  const ns = 'sel';
  const events: string[] = [];
  const req = await new Watch(kc).watch(
    `/api/v1/namespaces/${ns}/configmaps`,
    { labelSelector: 'team in (a,b),!skip', resourceVersion: server.resourceVersion() },
    (type, obj: { metadata: { name: string } }) => events.push(`${type} ${obj.metadata.name}`),
    () => {},
  );
  await core.createNamespacedConfigMap({
    namespace: ns,
    body: { metadata: { name: 'x', labels: { team: 'a' } } },
  });
  await core.createNamespacedConfigMap({
    namespace: ns,
    body: { metadata: { name: 'y', labels: { team: 'c' } } },
  });
  await core.patchNamespacedConfigMap({
    name: 'x',
    namespace: ns,
    body: [{ op: 'add', path: '/metadata/labels/skip', value: '1' }],
  });
  await core.patchNamespacedConfigMap({
    name: 'y',
    namespace: ns,
    body: [{ op: 'replace', path: '/metadata/labels/team', value: 'b' }],
  });
  await core.deleteNamespacedConfigMap({ name: 'y', namespace: ns });
  await until(() => events.length >= 4, '4 events');
  req.abort();
  assert.deepEqual(events, ['ADDED x', 'DELETED x', 'ADDED y', 'DELETED y']);
});

test('cluster-wide watch sees every namespace; the legacy /watch/ path works', async () => {
  const rv = server.resourceVersion();
  await core.createNamespacedServiceAccount({ namespace: 'w1', body: { metadata: { name: 'sa' } } });
  await core.createNamespacedServiceAccount({ namespace: 'w2', body: { metadata: { name: 'sa' } } });
  const all = await fetchWatchLines(
    `/api/v1/serviceaccounts?watch=true&resourceVersion=${rv}&timeoutSeconds=1`,
  );
  assert.equal(all.length, 2);
  const legacy = await fetchWatchLines(
    `/api/v1/watch/namespaces/w2/serviceaccounts?resourceVersion=${rv}&timeoutSeconds=1`,
  );
  assert.equal(legacy.length, 1);
});

test('a stream dropped while replaying its backlog leaves no subscription or timer behind', async () => {
  const rv = server.resourceVersion();
  for (let i = 0; i < 5; i += 1)
    await core.createNamespacedConfigMap({ namespace: 'replay-drop', body: { metadata: { name: `c${i}` } } });
  const rule = server.faults.dropWatchesAfterEvents(2);
  const lines = await fetchWatchLines(
    `/api/v1/namespaces/replay-drop/configmaps?watch=true&resourceVersion=${rv}&timeoutSeconds=30`,
  );
  rule.clear();
  assert.equal(lines.length, 2);
  assert.equal(server.watches.open.length, 0);
});
