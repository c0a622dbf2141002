import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { startKubeApiServer } from '../../harness/kube/index.ts';
import type { KubeApiServer, KubeObject } from '../../harness/kube/index.ts';
import { rawRequest } from './raw-http.ts';

let server: KubeApiServer;

before(async () => {
  server = await startKubeApiServer();
  server.objects.put({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'hook', namespace: 'team-a' },
    data: { token: 'dA==' },
  });
  server.objects.put({
    apiVersion: 'triggers.tekton.dev/v1alpha1',
    kind: 'ClusterInterceptor',
    metadata: { name: 'tekton-provenance' },
    spec: {},
  });
  server.objects.put({
    apiVersion: 'triggers.tekton.dev/v1alpha1',
    kind: 'ClusterInterceptor',
    metadata: { name: 'github' },
    spec: {},
  });
});
after(() => server.close());

function forbidden(err: unknown): string {
  assert.ok(err instanceof ApiException, String(err));
  assert.equal(err.code, 403);
  const body = JSON.parse(err.body as string) as { reason: string; message: string };
  assert.equal(body.reason, 'Forbidden');
  return body.message;
}

test('a token without bindings is forbidden, with the apiserver message; admin is not', async () => {
  const nobody = server.kubeconfigFor({ serviceAccount: 'team-a/nobody' });
  assert.equal(nobody.user, 'system:serviceaccount:team-a:nobody');
  const core = nobody.kubeConfig().makeApiClient(CoreV1Api);
  await assert.rejects(core.readNamespacedSecret({ name: 'hook', namespace: 'team-a' }), (err) => {
    assert.equal(
      forbidden(err),
      'secrets "hook" is forbidden: User "system:serviceaccount:team-a:nobody" cannot get resource "secrets" in API group "" in the namespace "team-a"',
    );
    return true;
  });
  await assert.rejects(core.listSecretForAllNamespaces(), (err) =>
    /^secrets is forbidden: .* cannot list resource "secrets" in API group "" at the cluster scope$/.test(
      forbidden(err),
    ),
  );
  await server
    .kubeConfig()
    .makeApiClient(CoreV1Api)
    .readNamespacedSecret({ name: 'hook', namespace: 'team-a' });
  const log = server.requests.find('GET', /\/namespaces\/team-a\/secrets\/hook$/);
  assert.deepEqual(
    log.map((r) => `${r.user} ${r.status}`),
    ['system:serviceaccount:team-a:nobody 403', 'kube-test-admin 200'],
  );
});

test('Role + RoleBinding grant in their namespace only; resourceNames and subresources are honoured', async () => {
  const ns = 'rbac-ns';
  server.objects.put({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'r', namespace: ns },
    rules: [
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
      { apiGroups: ['tekton.dev'], resources: ['taskruns/status'], verbs: ['patch'] },
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['allowed'], verbs: ['get'] },
    ],
  });
  server.objects.put({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'rb', namespace: ns },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
    subjects: [{ kind: 'ServiceAccount', name: 'ctrl', namespace: ns }],
  });
  server.objects.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'allowed', namespace: ns } });
  server.objects.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other', namespace: ns } });
  server.objects.put({
    apiVersion: 'tekton.dev/v1',
    kind: 'TaskRun',
    metadata: { name: 'tr', namespace: ns },
    spec: {},
  });
  const kc = server.kubeconfigFor({ serviceAccount: `${ns}/ctrl` }).kubeConfig();

  const leases = kc.makeApiClient(CoordinationV1Api);
  const lease = await leases.createNamespacedLease({
    namespace: ns,
    body: { metadata: { name: 'leader' }, spec: { holderIdentity: 'me' } },
  });
  await leases.replaceNamespacedLease({ name: 'leader', namespace: ns, body: lease });
  await assert.rejects(
    leases.createNamespacedLease({ namespace: 'elsewhere', body: { metadata: { name: 'leader' } } }),
    (err) => forbidden(err) !== '',
  );
  await assert.rejects(leases.deleteNamespacedLease({ name: 'leader', namespace: ns }), (err) =>
    /cannot delete resource "leases"/.test(forbidden(err)),
  );

  const core = kc.makeApiClient(CoreV1Api);
  await core.readNamespacedConfigMap({ name: 'allowed', namespace: ns });
  await assert.rejects(
    core.readNamespacedConfigMap({ name: 'other', namespace: ns }),
    (err) => forbidden(err) !== '',
  );

  const custom = kc.makeApiClient(CustomObjectsApi);
  const runs = { group: 'tekton.dev', version: 'v1', namespace: ns, plural: 'taskruns', name: 'tr' };
  const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  await custom.patchNamespacedCustomObjectStatus({ ...runs, body: { status: { podName: 'p' } } }, merge);
  await assert.rejects(
    custom.patchNamespacedCustomObject({ ...runs, body: { metadata: { labels: { a: 'b' } } } }, merge),
    (err) => /cannot patch resource "taskruns" in API group "tekton.dev"/.test(forbidden(err)),
  );
});

test("the interceptor's identity is none: the container has no token, so every API call is 401", async () => {
  // What the interceptor container could send: no Authorization header, or a made-up token.
  for (const token of ['', 'not-a-token']) {
    for (const path of [
      '/api/v1/namespaces/team-a/secrets/hook',
      '/api/v1/namespaces/tekton-provenance/secrets/signing-secrets',
      '/api/v1/namespaces/team-a/events',
      '/apis/triggers.tekton.dev/v1alpha1/clusterinterceptors/tekton-provenance',
    ]) {
      const res = await rawRequest(server, 'GET', path, { token });
      assert.equal(res.status, 401, `${path} with token "${token}"`);
    }
  }
});

test("the project's own RBAC manifest, applied to the server, gives the SIGNER's ServiceAccount exactly what its comments claim", async () => {
  const docs = parseAllDocuments(
    readFileSync(new URL('../../../manifests/20-rbac.yaml', import.meta.url), 'utf8'),
  ).map((d) => d.toJSON() as KubeObject);
  for (const doc of docs) server.objects.put(doc);
  const kc = server.kubeconfigFor({ serviceAccount: 'tekton-provenance/tekton-provenance' }).kubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);

  // Webhook secrets: nowhere until a namespace binds the read role; then get, never list.
  await assert.rejects(core.readNamespacedSecret({ name: 'hook', namespace: 'team-a' }), (err) => forbidden(err) !== '');
  await assert.rejects(core.readNamespacedSecret({ name: 'any', namespace: 'kube-system' }), (err) => forbidden(err) !== '');
  const example = parseAllDocuments(
    readFileSync(new URL('../../../manifests/examples/webhook-secrets.yaml', import.meta.url), 'utf8'),
  ).map((d) => d.toJSON() as KubeObject & { kind: string; metadata: { namespace: string } });
  const binding = example.find((o) => o.kind === 'RoleBinding')!;
  server.objects.put({ ...binding, metadata: { ...binding.metadata, namespace: 'team-a' } });
  await core.readNamespacedSecret({ name: 'hook', namespace: 'team-a' });
  await assert.rejects(core.listNamespacedSecret({ namespace: 'team-a' }), (err) => forbidden(err) !== '');
  await assert.rejects(core.readNamespacedSecret({ name: 'any', namespace: 'kube-system' }), (err) => forbidden(err) !== '');
  // Its own namespace: the event store and the TLS Secret; only the TLS Secret is rewritten.
  const own = { namespace: 'tekton-provenance' };
  const tls = { name: 'tekton-provenance-interceptor-tls', ...own };
  await core.createNamespacedSecret({ ...own, body: { metadata: { name: tls.name }, data: { a: 'YQ==' } } });
  await core.replaceNamespacedSecret({ ...tls, body: { metadata: { name: tls.name }, data: { a: 'Yg==' } } });
  await core.listNamespacedSecret(own);
  await core.createNamespacedSecret({ ...own, body: { metadata: { name: 'tkn-prov-event-0' }, data: {} } });
  await assert.rejects(
    core.replaceNamespacedSecret({ name: 'tkn-prov-event-0', ...own, body: { metadata: { name: 'tkn-prov-event-0' }, data: {} } }),
    (err) => forbidden(err) !== '',
  );
  // Events: created where Triggers and runs live.
  await core.createNamespacedEvent({
    namespace: 'team-a',
    body: { metadata: { name: 'e1' }, involvedObject: { kind: 'Trigger', name: 't', namespace: 'team-a' }, reason: 'X', message: 'm', type: 'Warning' },
  });
  // Nothing of other namespaces' ConfigMaps (or anything else the manifest does not name).
  await assert.rejects(core.readNamespacedConfigMap({ name: 'c', namespace: 'team-a' }), (err) => forbidden(err) !== '');
  // Its own ClusterInterceptor only.
  const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  const ci = { group: 'triggers.tekton.dev', version: 'v1alpha1', plural: 'clusterinterceptors' };
  await custom.patchClusterCustomObject(
    { ...ci, name: 'tekton-provenance', body: { spec: { clientConfig: { caBundle: 'Q0E=' } } } },
    merge,
  );
  await assert.rejects(
    custom.patchClusterCustomObject({ ...ci, name: 'github', body: { spec: {} } }, merge),
    (err) => forbidden(err) !== '',
  );
  // The controller's informer on PipelineRuns in every namespace works (list + watch).
  server.objects.put({
    apiVersion: 'tekton.dev/v1',
    kind: 'PipelineRun',
    metadata: { name: 'run', namespace: 'team-a' },
    spec: {},
  });
  const informer = makeInformer<KubernetesObject>(kc, '/apis/tekton.dev/v1/pipelineruns', (() =>
    custom.listClusterCustomObject({ group: 'tekton.dev', version: 'v1', plural: 'pipelineruns' })) as never);
  const seen: string[] = [];
  informer.on('add', (o) => seen.push(o.metadata?.name ?? ''));
  await informer.start();
  assert.deepEqual(seen, ['run']);
  await informer.stop();
  await assert.rejects(
    custom.deleteNamespacedCustomObject({
      group: 'tekton.dev',
      version: 'v1',
      namespace: 'team-a',
      plural: 'pipelineruns',
      name: 'run',
    }),
    (err) => forbidden(err) !== '',
  );
});
