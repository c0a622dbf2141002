// Hostile inputs through the interceptor's HTTPS port (any pod that can reach it, or the
// internet through an EventListener), against the pod as deployed: RBAC from manifests/, the
// signer the only API identity. Counts go to docs/security.md.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { memoryLogger } from '../../interceptor/observe/logger.ts';
import { FailureLimiter } from '../../signer/authenticity/rate-limit.ts';
import type { SignedEventRecord } from '../../signer/events/event-record.ts';
import { verifyEvent } from '../../signer/events/verify-record.ts';
import { jsonLogger } from '../../signer/server/index.ts';
import { EventListenerSimulator, loadClusterInterceptor, type TriggerDefinition } from '../harness/eventlistener/index.ts';
import { bitbucketServerPushDelivery, githubDelivery, githubExamples, gitlabPushDelivery, type WebhookDelivery } from '../harness/fixtures/webhooks.ts';
import { startKubeApiServer, type KubeApiServer, type KubeObject } from '../harness/kube/index.ts';
import { postHttps } from '../interceptor/helpers/https.ts';
import { context, githubRequest, gitlabRequest, hmac, SECRETS, type RequestParts } from '../interceptor/helpers/requests.ts';
import { startPod, type Pod } from '../interceptor/helpers/pod.ts';
import { capture, KNOWN_VALUE, seedSecrets, Tally } from './support.ts';

const SERVICE_HOST = 'tekton-provenance-interceptor.tekton-provenance.svc';
let kube: KubeApiServer;
let signerKc: KubeConfig;
let pod: Pod;
const signerLog = capture();
const tally = new Tally();

function manifest(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(new URL(`../../manifests/${file}`, import.meta.url), 'utf8')).map((d) => d.toJSON() as KubeObject);
}

type Answer = { continue?: boolean; status?: { code: number; message: string }; extensions?: { provenance?: Record<string, string> } };

async function send(p: Pod, req: RequestParts): Promise<Answer> {
  return (await postHttps(`${p.srv.url}/`, p.srv.caCert()!, JSON.stringify(req), SERVICE_HOST)).json as Answer;
}

/** A forged input: must not be acknowledged as signed, nor stored. */
async function forged(p: Pod, req: RequestParts): Promise<Answer> {
  const before = p.fx.storedCount();
  const answer = await send(p, req);
  tally.tried++;
  if (answer.continue === true && answer.extensions?.provenance?.signed === 'true') tally.acknowledged++;
  assert.equal(answer.continue, false, JSON.stringify(answer));
  assert.equal(p.fx.storedCount(), before, 'nothing stored');
  return answer;
}

before(async () => {
  kube = await startKubeApiServer();
  seedSecrets(kube);
  for (const o of manifest('20-rbac.yaml')) kube.objects.put(o);
  // `ci` consents to the signer reading its Secrets; kube-system and team-b do not bind it.
  for (const o of manifest('examples/webhook-secrets.yaml')) if (o.kind === 'RoleBinding') kube.objects.put(o);
  signerKc = kube.kubeconfigFor({ serviceAccount: 'tekton-provenance/tekton-provenance' }).kubeConfig();
  pod = await startPod(signerKc, { signer: jsonLogger('signer', signerLog.out), interceptor: memoryLogger() });
});
after(async () => {
  await pod?.close();
  await kube?.close();
  console.log(tally.line('webhooks'));
});

describe('forged provider none', () => {
  test('caller-chosen checkedBy/method words are dropped: recorded as unverified, and verify-event fails it', async () => {
    const req: RequestParts = {
      ...githubRequest(undefined, 'no-secret-at-all'),
      interceptor_params: { provider: 'none', checkedBy: 'github', method: 'hmac-sha256 X-Hub-Signature-256' },
    };
    const answer = await send(pod, req);
    tally.tried++;
    // Signed, but only as what it is: an event nobody authenticated.
    assert.equal(answer.continue, true, JSON.stringify(answer));
    const record = (await pod.fx.store.getByEventId(req.context!.event_id))!;
    tally.storedUnverified++;
    const predicate = JSON.parse(Buffer.from(record.envelope.payload, 'base64').toString('utf8')).predicate;
    assert.deepEqual(predicate.authenticity, { provider: 'none', verified: false, method: 'none', checkedBy: '' });
    const v = verifyEvent({ envelope: record.envelope, record, verifiers: [pod.fx.verifier], payload: Buffer.from(req.body) });
    assert.equal(v.ok, false);
    assert.match(JSON.stringify(v.checks), /provider none: nobody here checked/);
  });
});

describe('Secret probes: one answer, whatever the reason', () => {
  test('other namespaces, unlabelled, missing Secret, missing key and a wrong signature answer identically', async () => {
    const probe = (namespace: string, secretName: string, secretKey: string, secret: string) => ({
      ...githubRequest(undefined, secret),
      interceptor_params: { provider: 'github', secretRef: { secretName, secretKey } },
      context: context(namespace, 'probe'),
    });
    const probes: Array<[string, RequestParts]> = [
      ['kube-system Secret that exists (RBAC: no)', probe('kube-system', 'bootstrap-token', 'token', KNOWN_VALUE)],
      ['kube-system Secret that does not exist', probe('kube-system', 'nope', 'token', KNOWN_VALUE)],
      ['team-b labelled Secret, no RoleBinding', probe('team-b', 'attacker-webhook', 'token', KNOWN_VALUE)],
      ['unlabelled Secret in ci, value known', probe('ci', 'registry-token', 'token', KNOWN_VALUE)],
      ['missing Secret in ci', probe('ci', 'nope', 'secret', KNOWN_VALUE)],
      ['missing key in ci', probe('ci', 'github-webhook', 'nokey', KNOWN_VALUE)],
      ['wrong signature in ci', probe('ci', 'github-webhook', 'secret', 'guess')],
    ];
    const answers = new Set<string>();
    for (const [, req] of probes) {
      const a = await forged(pod, req);
      answers.add(JSON.stringify(a.status));
    }
    assert.equal(answers.size, 1, [...answers].join('\n'));
    assert.match([...answers][0]!, /"code":3,"message":"NOT_AUTHENTIC: /);
    // The details exist, in the signer's log only.
    for (const reason of ['SECRET_NOT_FOUND', 'SECRET_NOT_LABELLED', 'SECRET_KEY_MISSING', 'SIGNATURE_MISMATCH']) {
      assert.match(signerLog.text(), new RegExp(`"reason":"${reason}"`));
    }
  });

  test('GitLab token guesses get the same one answer, and the token is never logged', async () => {
    for (const guess of ['1234567', 'password', SECRETS.gitlab.slice(0, -1)]) {
      const a = await forged(pod, gitlabRequest(undefined, guess));
      assert.match(a.status!.message, /^NOT_AUTHENTIC: /);
      assert.ok(!signerLog.text().includes(guess));
    }
  });

  test('failures are rate-limited per source and trigger: then refused unchecked, even a correct one', async () => {
    const limited = await startPod(signerKc, {}, { limiter: new FailureLimiter({ burst: 5, refillPerSecond: 0.001 }) });
    try {
      const trigger = () => ({ ...context('ci', 'limited') });
      const codes: string[] = [];
      for (let i = 0; i < 8; i++) {
        const a = await forged(limited, { ...githubRequest(undefined, `guess-${i}`), context: trigger() });
        codes.push(`${a.status!.code} ${a.status!.message.split(':')[0]}`);
      }
      assert.deepEqual(codes, [...Array(5).fill('3 NOT_AUTHENTIC'), ...Array(3).fill('8 AUTH_RATE_LIMITED')]);
      // The right secret now is not even checked: a guess that happens to be right learns nothing.
      const right = await send(limited, { ...githubRequest(), context: trigger() });
      assert.equal(right.continue, false);
      assert.match(right.status!.message, /^AUTH_RATE_LIMITED: /);
      // Another Trigger is not affected.
      const other = await send(limited, { ...githubRequest(), context: context('ci', 'other') });
      assert.equal(other.continue, true, JSON.stringify(other));
    } finally {
      await limited.close();
    }
  });
});

describe('genuine webhooks through the EventListener simulator still work', () => {
  let el: EventListenerSimulator;
  before(async () => {
    await kube.kubeConfig().makeApiClient(CustomObjectsApi).patchClusterCustomObject(
      {
        group: 'triggers.tekton.dev', version: 'v1alpha1', plural: 'clusterinterceptors', name: 'tekton-provenance',
        body: { spec: { clientConfig: { service: { port: pod.srv.port } } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const ours = await loadClusterInterceptor(kube.kubeConfig(), 'tekton-provenance');
    const trigger = (name: string, provider: string): TriggerDefinition => ({
      name,
      interceptors: [{ name: 'sign', url: ours.url, params: { provider, secretRef: { secretName: `${provider}-webhook`, secretKey: 'secret' } } }],
      bindings: [{ name: 'digest', value: '$(extensions.provenance.digest)' }],
      template: {
        metadata: { name: 't' },
        spec: {
          params: [{ name: 'digest' }],
          resourcetemplates: [{ apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', metadata: { generateName: `${name}-`, annotations: { d: '$(tt.params.digest)' } }, spec: {} }],
        },
      },
    });
    el = new EventListenerSimulator({
      name: 'listener', namespace: 'ci', kubeConfig: kube.kubeConfig(),
      caBundles: [ours.caPem ?? ''],
      hostAliases: { [SERVICE_HOST]: '127.0.0.1' },
      triggers: [trigger('github-push', 'github'), trigger('gitlab-push', 'gitlab'), trigger('bitbucket-push', 'bitbucket')],
    });
  });

  const nonAscii = { ref: 'refs/heads/main', head_commit: { message: 'Grüße ✓ 日本 <b>&amp;</b> \u2028', id: 'a'.repeat(40) } };
  const cases: Array<[string, () => WebhookDelivery]> = [
    ['github-push', () => githubDelivery('push', githubExamples('push')[0]!, SECRETS.github)],
    ['github-push', () => githubDelivery('push', nonAscii, SECRETS.github)],
    ['gitlab-push', () => gitlabPushDelivery(SECRETS.gitlab)],
    ['bitbucket-push', () => bitbucketServerPushDelivery(SECRETS.bitbucket)],
  ];
  for (const [name, make] of cases) {
    test(`${name}: the signer verifies the exact bytes and the record verifies against them`, async () => {
      const webhook = make();
      const result = await el.handle({ headers: webhook.headers, body: webhook.body });
      const t = result.triggers.find((x) => x.trigger === name)!;
      assert.equal(t.continued, true, JSON.stringify(t.stoppedBy ?? t.error));
      const record = (await pod.fx.store.getByEventId(result.eventId)) as SignedEventRecord;
      const v = verifyEvent({ envelope: record.envelope, record, verifiers: [pod.fx.verifier], payload: webhook.body });
      assert.equal(v.ok, true, JSON.stringify(v.checks));
      assert.match(JSON.stringify(v.checks), /by tekton-provenance-signer: verified/);
    });
  }

  test('the same deliveries with a forged signature stop every Trigger and store nothing', async () => {
    for (const webhook of [
      githubDelivery('push', nonAscii, 'forged'),
      gitlabPushDelivery('forged'),
      bitbucketServerPushDelivery('forged'),
    ]) {
      const before = pod.fx.storedCount();
      const result = await el.handle({ headers: webhook.headers, body: webhook.body });
      tally.tried++;
      assert.ok(result.triggers.every((t) => !t.continued));
      assert.equal(pod.fx.storedCount(), before);
    }
  });
});

test('hmac helper sanity: the forged inputs really were forged', () => {
  assert.notEqual(hmac('sha256', 'guess', '{}'), hmac('sha256', SECRETS.github, '{}'));
});
