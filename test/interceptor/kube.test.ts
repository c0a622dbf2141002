import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunningInterceptor } from '../../interceptor/index.ts';
import { memoryLogger } from '../../interceptor/observe/logger.ts';
import { ClusterInterceptorCaBundle } from '../../interceptor/tls/ca-bundle.ts';
import { SERVING_FILE } from '../../interceptor/tls/shared-dir.ts';
import { verifyEvent } from '../../signer/events/verify-record.ts';
import { interceptorTlsService } from '../../signer/main/tls-service.ts';
import { silentLogger } from '../../signer/server/index.ts';
import { EventListenerSimulator, loadClusterInterceptor, type TriggerDefinition } from '../harness/eventlistener/index.ts';
import { bitbucketServerPushDelivery, githubDelivery, githubExamples, gitlabPushDelivery, type WebhookDelivery } from '../harness/fixtures/webhooks.ts';
import { startKubeApiServer, type KubeApiServer } from '../harness/kube/index.ts';
import { SECRETS } from './helpers/requests.ts';
import { startPod, type Pod } from './helpers/pod.ts';
import type { SignerFixture } from './helpers/signer.ts';

const NS = 'tekton-provenance';
const SVC = 'tekton-provenance-interceptor';
const CI_NAME = 'tekton-provenance';
const secretData = (value: string) => ({ secret: Buffer.from(value).toString('base64') });

let kube: KubeApiServer;
let pod: Pod;
let fx: SignerFixture;
let srv: RunningInterceptor;
const logger = memoryLogger();

function clusterInterceptor(port: number, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'triggers.tekton.dev/v1alpha1',
    kind: 'ClusterInterceptor',
    metadata: { name: CI_NAME },
    spec: { clientConfig: { service: { name: SVC, namespace: NS, path: '/', port }, ...extra } },
  };
}

before(async () => {
  kube = await startKubeApiServer();
  for (const [name, value] of [
    ['github-webhook', SECRETS.github],
    ['gitlab-webhook', SECRETS.gitlab],
    ['bitbucket-webhook', SECRETS.bitbucket],
  ] as const) {
    kube.objects.put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace: 'ci', labels: { 'tekton-provenance.dev/webhook-secret': 'true' } },
      type: 'Opaque',
      data: secretData(value),
    });
  }
  kube.objects.put(clusterInterceptor(8443));
  pod = await startPod(kube.kubeConfig(), { interceptor: logger });
  fx = pod.fx;
  srv = pod.srv;
  // The Service port is only known now: point the ClusterInterceptor at it, keeping the caBundle.
  const ci = kube.objects.get('triggers.tekton.dev/v1alpha1', 'ClusterInterceptor', undefined, CI_NAME) as {
    metadata: { labels: Record<string, string> };
    spec: { clientConfig: { caBundle: string } };
  };
  kube.objects.put({ ...clusterInterceptor(srv.port, { caBundle: ci.spec.clientConfig.caBundle }), metadata: { name: CI_NAME, labels: ci.metadata.labels } });
});
after(async () => {
  await pod?.close();
  await kube.close();
});

describe('TLS in a cluster (kept by the signer, served by the interceptor)', () => {
  test('the CA and serving cert are stored in a Secret and the CA is patched into OUR ClusterInterceptor', () => {
    const secret = kube.objects.get('v1', 'Secret', NS, 'tekton-provenance-interceptor-tls') as { data: Record<string, string> };
    assert.deepEqual(Object.keys(secret.data).sort(), ['ca-cert.pem', 'ca-key.pem', 'server-cert.pem', 'server-key.pem']);
    const ca = Buffer.from(secret.data['ca-cert.pem']!, 'base64').toString();
    assert.equal(ca, srv.caCert());
    const ci = kube.objects.get('triggers.tekton.dev/v1alpha1', 'ClusterInterceptor', undefined, CI_NAME) as {
      metadata: { labels: Record<string, string> };
      spec: { clientConfig: { caBundle: string } };
    };
    assert.equal(ci.metadata.labels['server/type'], 'https');
    assert.equal(Buffer.from(ci.spec.clientConfig.caBundle, 'base64').toString(), ca);
    const server = new X509Certificate(Buffer.from(secret.data['server-cert.pem']!, 'base64'));
    assert.equal(server.checkHost(`${SVC}.${NS}.svc.cluster.local`), `${SVC}.${NS}.svc.cluster.local`);
  });

  test('the shared volume holds the serving cert and key, never the CA key', () => {
    const shared = JSON.parse(readFileSync(join(pod.tlsDir, SERVING_FILE), 'utf8')) as Record<string, string>;
    assert.deepEqual(Object.keys(shared).sort(), ['ca', 'cert', 'key']);
    const secret = kube.objects.get('v1', 'Secret', NS, 'tekton-provenance-interceptor-tls') as { data: Record<string, string> };
    const caKey = Buffer.from(secret.data['ca-key.pem']!, 'base64').toString();
    const caKeyBody = caKey.split('\n')[1]!; // a line of the key's base64, not the PEM header
    assert.ok(caKeyBody.length > 40);
    assert.ok(!readFileSync(join(pod.tlsDir, SERVING_FILE), 'utf8').includes(caKeyBody));
  });

  test('a second replica reuses the stored Secret (same CA, same cert)', async () => {
    const before = kube.objects.get('v1', 'Secret', NS, 'tekton-provenance-interceptor-tls') as { metadata: { resourceVersion: string } };
    const second = await interceptorTlsService({
      kubeConfig: kube.kubeConfig(),
      namespace: NS,
      serviceName: SVC,
      secretName: 'tekton-provenance-interceptor-tls',
      clusterInterceptorName: CI_NAME,
      dir: `${pod.tlsDir}-second`,
      logger: silentLogger,
    }).start();
    try {
      const shared = JSON.parse(readFileSync(join(`${pod.tlsDir}-second`, SERVING_FILE), 'utf8')) as { ca: string };
      assert.equal(shared.ca, srv.caCert());
      const after = kube.objects.get('v1', 'Secret', NS, 'tekton-provenance-interceptor-tls') as { metadata: { resourceVersion: string } };
      assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion, 'not rewritten');
    } finally {
      await second.stop();
    }
  });

  test('core interceptor names are refused', () => {
    for (const name of ['github', 'gitlab', 'bitbucket', 'cel', 'slack']) {
      assert.throws(() => new ClusterInterceptorCaBundle(kube.kubeConfig(), name), { code: 'CORE_INTERCEPTOR_NAME' });
    }
  });
});

describe('through the EventListener simulator', () => {
  async function listener(): Promise<EventListenerSimulator> {
    const resolved = await loadClusterInterceptor(kube.kubeConfig(), CI_NAME);
    const trigger = (name: string, params: Record<string, unknown>): TriggerDefinition => ({
      name,
      interceptors: [{ name: resolved.name, url: resolved.url, params }],
      bindings: [
        { name: 'digest', value: '$(extensions.provenance.digest)' },
        { name: 'signature', value: '$(extensions.provenance.signature)' },
        { name: 'keyid', value: '$(extensions.provenance.keyid)' },
      ],
      template: {
        metadata: { name: 'build' },
        spec: {
          params: [{ name: 'digest' }, { name: 'signature' }, { name: 'keyid' }],
          resourcetemplates: [
            {
              apiVersion: 'tekton.dev/v1',
              kind: 'PipelineRun',
              metadata: {
                generateName: `${name}-`,
                annotations: {
                  'tekton-provenance.dev/event-digest': '$(tt.params.digest)',
                  'tekton-provenance.dev/event-signature': '$(tt.params.signature)',
                  'tekton-provenance.dev/event-keyid': '$(tt.params.keyid)',
                },
              },
              spec: { pipelineRef: { name: 'build' } },
            },
          ],
        },
      },
    });
    return new EventListenerSimulator({
      name: 'listener',
      namespace: 'ci',
      kubeConfig: kube.kubeConfig(),
      caBundles: [resolved.caPem ?? ''],
      hostAliases: { [`${SVC}.${NS}.svc`]: '127.0.0.1' },
      triggers: [
        trigger('github', { provider: 'github', secretRef: { secretName: 'github-webhook', secretKey: 'secret' } }),
        trigger('gitlab', { provider: 'gitlab', secretRef: { secretName: 'gitlab-webhook', secretKey: 'secret' } }),
        trigger('bitbucket', { provider: 'bitbucket', secretRef: { secretName: 'bitbucket-webhook', secretKey: 'secret' } }),
      ].filter((t) => t.name === current),
    });
  }
  let current = '';

  const cases: [string, () => WebhookDelivery][] = [
    ['github', () => githubDelivery('push', githubExamples('push')[0]!, SECRETS.github)],
    ['gitlab', () => gitlabPushDelivery(SECRETS.gitlab)],
    ['bitbucket', () => bitbucketServerPushDelivery(SECRETS.bitbucket)],
  ];
  for (const [provider, delivery] of cases) {
    test(`${provider}: a real signed payload yields an annotated PipelineRun whose record verifies against the payload bytes`, async () => {
      current = provider;
      const el = await listener();
      const webhook = delivery();
      const result = await el.handle({ headers: webhook.headers, body: webhook.body });
      const t = result.triggers[0]!;
      assert.equal(t.error, undefined, String(t.error));
      assert.equal(t.continued, true, JSON.stringify(t.stoppedBy));
      const created = t.created?.[0] as { metadata: { name: string } };
      const run = kube.objects.get('tekton.dev/v1', 'PipelineRun', 'ci', created.metadata.name) as {
        metadata: { annotations: Record<string, string>; labels: Record<string, string> };
      };
      const record = await fx.store.getByEventId(result.eventId);
      assert.ok(record);
      assert.equal(run.metadata.labels['triggers.tekton.dev/triggers-eventid'], result.eventId);
      assert.equal(run.metadata.annotations['tekton-provenance.dev/event-digest'], record.digest);
      assert.equal(run.metadata.annotations['tekton-provenance.dev/event-signature'], record.envelope.signatures[0]?.sig);
      assert.equal(run.metadata.annotations['tekton-provenance.dev/event-keyid'], fx.signer.keyid);
      const verification = verifyEvent({ envelope: record.envelope, record, verifiers: [fx.verifier], payload: webhook.body });
      assert.equal(verification.ok, true, JSON.stringify(verification.checks));
    });
  }

  test('a wrong secret stops the trigger: no PipelineRun, nothing stored, a Warning Event on the Trigger', async () => {
    current = 'github';
    const el = await listener();
    const before = fx.storedCount();
    const webhook = githubDelivery('push', githubExamples('push')[0]!, 'forged-secret');
    const result = await el.handle({ headers: webhook.headers, body: webhook.body });
    const t = result.triggers[0]!;
    assert.equal(t.continued, false);
    assert.equal(t.stoppedBy?.response.status?.code, 3);
    assert.equal(t.created, undefined);
    assert.equal(fx.storedCount(), before);
    const event = await waitForEvent(result.eventId);
    assert.equal(event.type, 'Warning');
    assert.equal(event.reason, 'SIGNATURE_MISMATCH', 'the detail is on the Trigger, not in the answer');
    assert.match(t.stoppedBy?.response.status?.message ?? '', /^NOT_AUTHENTIC: /);
    assert.deepEqual(
      { kind: event.involvedObject.kind, name: event.involvedObject.name, namespace: event.involvedObject.namespace },
      { kind: 'Trigger', name: 'github', namespace: 'ci' },
    );
  });
});

async function waitForEvent(eventId: string) {
  type CoreEvent = { type: string; reason: string; message: string; involvedObject: { kind: string; name: string; namespace: string } };
  for (let i = 0; i < 100; i++) {
    const found = (kube.objects.list('v1', 'Event', 'ci') as CoreEvent[]).find((e) => e.message.includes(eventId));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no Event recorded for ${eventId}`);
}
