import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import {
  CORE_INTERCEPTORS_SERVICE, EventListenerSimulator, loadTrigger, loadTrustedCaBundles, makeTestCertificates, processCore, serviceDnsNames, startCoreInterceptors, startTestInterceptor,
} from '../../harness/eventlistener/index.ts';
import type { CoreInterceptors, InterceptorRequest, TestInterceptor } from '../../harness/eventlistener/index.ts';
import { bitbucketServerPushDelivery, githubDelivery, githubExamples, gitlabPushDelivery } from '../../harness/fixtures/webhooks.ts';
import { startKubeApiServer } from '../../harness/kube/index.ts';
import type { KubeApiServer, KubeObject } from '../../harness/kube/index.ts';

const examples = new URL('../../../manifests/examples/', import.meta.url);
const secretObj = (name: string, token: string): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'ci' }, type: 'Opaque', data: { token: Buffer.from(token).toString('base64') } }) as KubeObject;

describe('core interceptor stand-ins (github, gitlab, bitbucket)', () => {
  let kube: KubeApiServer;
  let core: CoreInterceptors;
  let ours: TestInterceptor;
  before(async () => {
    kube = await startKubeApiServer();
    core = await startCoreInterceptors(kube.kubeConfig());
    ours = await startTestInterceptor(
      () => ({ body: { continue: true, extensions: { provenance: { digest: `sha256:${'ef'.repeat(32)}`, signature: 'c2ln', keyid: 'SHA256:k' } } } }),
      makeTestCertificates({ dnsNames: serviceDnsNames('tekton-provenance-interceptor', 'tekton-provenance') }),
    );
    for (const ci of core.clusterInterceptors()) kube.objects.put(ci as unknown as KubeObject);
    kube.objects.put({
      apiVersion: 'triggers.tekton.dev/v1alpha1', kind: 'ClusterInterceptor',
      metadata: { name: 'tekton-provenance', labels: { 'server/type': 'https' } },
      spec: { clientConfig: { caBundle: Buffer.from(ours.caPem).toString('base64'), service: { name: 'tekton-provenance-interceptor', namespace: 'tekton-provenance', path: '/', port: Number(new URL(ours.url).port) } } },
    } as KubeObject);
    kube.objects.put(secretObj('github-webhook', '1234567'));
    kube.objects.put(secretObj('gitlab-webhook', 'gitlab-secret-token'));
    kube.objects.put(secretObj('bitbucket-webhook', 'bitbucket-secret'));
    for (const f of ['trigger-github-chained.yaml', 'triggerbindings-git.yaml', 'triggerbinding-provenance.yaml', 'triggertemplate.yaml']) {
      for (const doc of parseAllDocuments(readFileSync(new URL(f, examples), 'utf8'))) {
        const obj = doc.toJS() as KubeObject | null;
        if (obj?.kind) kube.objects.put(obj);
      }
    }
  });
  after(async () => {
    await core.close();
    await ours.close();
    await kube.close();
  });

  const chainedListener = async (): Promise<EventListenerSimulator> => {
    const kc = kube.kubeConfig();
    return new EventListenerSimulator({
      name: 'el', namespace: 'ci', kubeConfig: kc,
      triggers: [await loadTrigger(kc, 'ci', 'github-push-chained')],
      caBundles: await loadTrustedCaBundles(kc),
      hostAliases: { [`${CORE_INTERCEPTORS_SERVICE.name}.${CORE_INTERCEPTORS_SERVICE.namespace}.svc`]: '127.0.0.1', 'tekton-provenance-interceptor.tekton-provenance.svc': '127.0.0.1' },
    });
  };

  test('the chained example: a correctly signed push passes github, then ours, and starts a run', async () => {
    const el = await chainedListener();
    const before = ours.received.length;
    const r = (await el.handle(githubDelivery('push', githubExamples('push')[0] as object, '1234567'))).triggers[0];
    assert.equal(r?.error, undefined, String(r?.error));
    assert.deepEqual(r?.calls.map((c) => [c.interceptor, c.response?.continue]), [['verify-github', true], ['sign-event', true]]);
    assert.equal(ours.received.length, before + 1);
    assert.deepEqual(ours.received.at(-1)?.json.interceptor_params, { provider: 'github', secretRef: { secretName: 'github-webhook', secretKey: 'token' } });
    assert.equal(r?.created?.length, 1);
  });

  test('a wrong secret stops at the github interceptor (FailedPrecondition); ours is never called', async () => {
    const el = await chainedListener();
    const before = ours.received.length;
    const r = (await el.handle(githubDelivery('push', githubExamples('push')[0] as object, 'wrong'))).triggers[0];
    assert.equal(r?.stoppedBy?.interceptor, 'verify-github');
    assert.equal(r?.stoppedBy?.response.status?.code, 9);
    assert.equal(ours.received.length, before);
    assert.equal(r?.created, undefined);
  });

  test('an event type outside eventTypes is refused', async () => {
    const el = await chainedListener();
    const r = (await el.handle(githubDelivery('pull_request', githubExamples('pull_request')[0] as object, '1234567'))).triggers[0];
    assert.match(r?.stoppedBy?.response.status?.message ?? '', /event type pull_request is not allowed/);
  });

  const asRequest = (d: { headers: Record<string, string>; body: Buffer }, params: Record<string, unknown>): InterceptorRequest => ({
    body: d.body.toString('utf8'),
    header: Object.fromEntries(Object.entries(d.headers).map(([k, v]) => [k, [v]])),
    interceptor_params: params,
    context: { trigger_id: 'namespaces/ci/triggers/t' },
  });

  test('gitlab: X-Gitlab-Token compared to the Secret; eventTypes from X-Gitlab-Event', async () => {
    const kc = kube.kubeConfig();
    const params = { secretRef: { secretName: 'gitlab-webhook', secretKey: 'token' }, eventTypes: ['Push Hook'] };
    assert.equal((await processCore('gitlab', asRequest(gitlabPushDelivery('gitlab-secret-token'), params), kc)).continue, true);
    assert.deepEqual((await processCore('gitlab', asRequest(gitlabPushDelivery('nope'), params), kc)).status, { code: 9, message: 'Invalid X-GitLab-Token' });
    const tagPush = { ...gitlabPushDelivery('gitlab-secret-token') };
    tagPush.headers = { ...tagPush.headers, 'X-Gitlab-Event': 'Tag Push Hook' };
    assert.equal((await processCore('gitlab', asRequest(tagPush, params), kc)).continue, false);
  });

  test('bitbucket: X-Hub-Signature HMAC of the body (non-ASCII) with the Secret', async () => {
    const kc = kube.kubeConfig();
    const params = { secretRef: { secretName: 'bitbucket-webhook', secretKey: 'token' }, eventTypes: ['repo:refs_changed'] };
    assert.equal((await processCore('bitbucket', asRequest(bitbucketServerPushDelivery('bitbucket-secret'), params), kc)).continue, true);
    assert.equal((await processCore('bitbucket', asRequest(bitbucketServerPushDelivery('other'), params), kc)).status?.message, 'payload signature check failed');
  });
});
