import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventListenerSimulator, loadClusterInterceptor, makeTestCertificates, serviceDnsNames, startTestInterceptor } from '../../harness/eventlistener/index.ts';
import type { TestInterceptor } from '../../harness/eventlistener/index.ts';
import { githubDelivery, githubExamples } from '../../harness/fixtures/webhooks.ts';
import { startKubeApiServer } from '../../harness/kube/index.ts';
import type { KubeApiServer } from '../../harness/kube/index.ts';

describe('EventListener simulator against the Kubernetes API test server', () => {
  let kube: KubeApiServer;
  let ic: TestInterceptor;
  before(async () => {
    kube = await startKubeApiServer();
    ic = await startTestInterceptor(
      () => ({ body: { continue: true, extensions: { provenance: { digest: 'sha256:' + 'ab'.repeat(32), signature: 'MEUCIQ', keyid: 'SHA256:k' } } } }),
      makeTestCertificates({ dnsNames: serviceDnsNames('tp-interceptor', 'tekton-provenance') }),
    );
    kube.objects.put({
      apiVersion: 'triggers.tekton.dev/v1alpha1',
      kind: 'ClusterInterceptor',
      metadata: { name: 'provenance', labels: { 'server/type': 'https' } },
      spec: {
        clientConfig: {
          caBundle: Buffer.from(ic.caPem).toString('base64'),
          service: { name: 'tp-interceptor', namespace: 'tekton-provenance', path: 'sign', port: Number(new URL(ic.url).port) },
        },
      },
    });
  });
  after(async () => {
    await ic.close();
    await kube.close();
  });

  test('a GitHub push creates a labelled, annotated PipelineRun through client-node', async () => {
    const kc = kube.kubeConfig();
    const resolved = await loadClusterInterceptor(kc, 'provenance');
    assert.equal(resolved.url, `https://tp-interceptor.tekton-provenance.svc:${new URL(ic.url).port}/sign`);
    const el = new EventListenerSimulator({
      name: 'github-listener',
      namespace: 'ci',
      kubeConfig: kc,
      caBundles: [resolved.caPem ?? ''],
      hostAliases: { 'tp-interceptor.tekton-provenance.svc': '127.0.0.1' },
      triggers: [
        {
          name: 'github-push',
          interceptors: [{ name: resolved.name, url: resolved.url, params: { provider: 'github' } }],
          bindings: [
            { name: 'revision', value: '$(body.head_commit.id)' },
            { name: 'url', value: '$(body.repository.clone_url)' },
            { name: 'digest', value: '$(extensions.provenance.digest)' },
            { name: 'signature', value: '$(extensions.provenance.signature)' },
          ],
          template: {
            metadata: { name: 'build' },
            spec: {
              params: [{ name: 'revision' }, { name: 'url' }, { name: 'digest' }, { name: 'signature' }],
              resourcetemplates: [
                {
                  apiVersion: 'tekton.dev/v1',
                  kind: 'PipelineRun',
                  metadata: {
                    generateName: 'simple-build-',
                    annotations: { 'tekton-provenance.dev/event-digest': '$(tt.params.digest)', 'tekton-provenance.dev/event-signature': '$(tt.params.signature)' },
                  },
                  spec: {
                    pipelineRef: { name: 'simple-build' },
                    params: [
                      { name: 'git-url', value: '$(tt.params.url)' },
                      { name: 'git-revision', value: '$(tt.params.revision)' },
                    ],
                  },
                },
              ],
            },
          },
        },
      ],
    });
    const push = githubExamples('push')[0] as { head_commit: { id: string }; repository: { clone_url: string } };
    const result = await el.handle(githubDelivery('push', push));
    const t = result.triggers[0];
    assert.equal(t?.error, undefined, String(t?.error));
    const created = t?.created?.[0] as { metadata: { name: string } };
    const stored = kube.objects.get('tekton.dev/v1', 'PipelineRun', 'ci', created.metadata.name) as {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
      spec: { params: Array<{ name: string; value: string }> };
    };
    assert.ok(stored, 'stored in the API server');
    assert.deepEqual(
      Object.fromEntries(Object.entries(stored.metadata.labels).filter(([k]) => k.startsWith('triggers.tekton.dev/'))),
      { 'triggers.tekton.dev/eventlistener': 'github-listener', 'triggers.tekton.dev/trigger': 'github-push', 'triggers.tekton.dev/triggers-eventid': result.eventId },
    );
    assert.equal(stored.metadata.annotations['tekton-provenance.dev/event-digest'], 'sha256:' + 'ab'.repeat(32));
    assert.deepEqual(stored.spec.params, [
      { name: 'git-url', value: push.repository.clone_url },
      { name: 'git-revision', value: push.head_commit.id },
    ]);
    assert.deepEqual(ic.received.at(-1)?.json.interceptor_params, { provider: 'github' });
    assert.equal(ic.received.at(-1)?.path, '/sign');
  });
});
