import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { EventListenerSimulator, loadEventListener, makeTestCertificates, serviceDnsNames, startTestInterceptor } from '../../harness/eventlistener/index.ts';
import type { TestInterceptor } from '../../harness/eventlistener/index.ts';
import { bitbucketServerPushDelivery, githubDelivery, githubExamples, gitlabPushDelivery } from '../../harness/fixtures/webhooks.ts';
import { startKubeApiServer } from '../../harness/kube/index.ts';
import type { KubeApiServer, KubeObject } from '../../harness/kube/index.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const manifests = new URL('../../../manifests/', import.meta.url);

/** Which provider a delivery comes from, as our interceptor would decide from its headers. */
function providerOf(header: Record<string, string[]> | undefined): string {
  if (header?.['X-Github-Event']) return 'github';
  if (header?.['X-Gitlab-Event']) return 'gitlab';
  if (header?.['X-Event-Key']) return 'bitbucket';
  return 'unknown';
}

describe('the manifests/examples Triggers, applied to the kube test server, through the EL simulator', () => {
  let kube: KubeApiServer;
  let ic: TestInterceptor;
  before(async () => {
    kube = await startKubeApiServer();
    ic = await startTestInterceptor(
      (req) => {
        const wanted = String(req.json.interceptor_params?.['provider']);
        if (wanted !== providerOf(req.json.header)) return { body: { continue: false, status: { code: 9, message: `not a ${wanted} event` } } };
        return { body: { continue: true, extensions: { provenance: { digest: `sha256:${'cd'.repeat(32)}`, signature: 'MEUCIQDsig', keyid: 'SHA256:kid' } } } };
      },
      makeTestCertificates({ dnsNames: serviceDnsNames('tekton-provenance-interceptor', 'tekton-provenance') }),
    );
    const files = ['70-clusterinterceptor.yaml', ...readdirSync(new URL('examples/', manifests)).map((f) => `examples/${f}`)];
    for (const f of files) {
      for (const doc of parseAllDocuments(readFileSync(new URL(f, manifests), 'utf8'))) {
        const obj = doc.toJS() as Json | null;
        if (!obj?.['kind']) continue;
        if (obj['kind'] === 'ClusterInterceptor') {
          // What the interceptor does at start-up: patch its CA in. The port is the test server's.
          obj['spec']['clientConfig']['caBundle'] = Buffer.from(ic.caPem).toString('base64');
          obj['spec']['clientConfig']['service']['port'] = Number(new URL(ic.url).port);
        }
        kube.objects.put(obj as KubeObject);
      }
    }
  });
  after(async () => {
    await ic.close();
    await kube.close();
  });

  test('each provider push creates exactly one annotated PipelineRun', async () => {
    const kc = kube.kubeConfig();
    const loaded = await loadEventListener(kc, 'ci', 'provenance-listener');
    assert.ok(loaded.triggers.length >= 3);
    const el = new EventListenerSimulator({ ...loaded, kubeConfig: kc, hostAliases: { 'tekton-provenance-interceptor.tekton-provenance.svc': '127.0.0.1' } });
    for (const delivery of [githubDelivery('push', githubExamples('push')[0] as object), gitlabPushDelivery(), bitbucketServerPushDelivery()]) {
      const result = await el.handle(delivery);
      const created = result.triggers.filter((t) => t.created && t.created.length > 0);
      assert.equal(created.length, 1, JSON.stringify(result.triggers.map((t) => [t.trigger, t.error?.code, t.stoppedBy?.response.status])));
      const name = (created[0]?.created?.[0] as Json)['metadata']['name'];
      const pr = kube.objects.get('tekton.dev/v1', 'PipelineRun', 'ci', name) as Json;
      assert.equal(pr['metadata']['annotations']['tekton-provenance.dev/event-digest'], `sha256:${'cd'.repeat(32)}`);
      assert.equal(pr['metadata']['labels']['triggers.tekton.dev/triggers-eventid'], result.eventId);
      assert.equal(pr['metadata']['labels']['triggers.tekton.dev/eventlistener'], 'provenance-listener');
      assert.ok(pr['spec']['params'].every((p: Json) => typeof p['value'] === 'string' && p['value'].length > 0));
    }
    assert.equal(kube.objects.list('tekton.dev/v1', 'PipelineRun', 'ci').length, 3);
  });
});
