import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import type { RunningInterceptor } from '../../interceptor/index.ts';
import { memoryLogger } from '../../interceptor/observe/logger.ts';
import { jsonLogger } from '../../signer/server/index.ts';
import { startKubeApiServer, type KubeApiServer } from '../harness/kube/index.ts';
import { postHttps } from './helpers/https.ts';
import { bitbucketRequest, githubRequest, gitlabRequest, SECRETS, type RequestParts } from './helpers/requests.ts';
import { startPod, type Pod } from './helpers/pod.ts';
import type { SignerFixture } from './helpers/signer.ts';

/** Tokens an attacker sends (wrong secrets) must not be kept either. */
const FORGED = { gitlab: 'forged-gitlab-token-Qx19', github: 'forged-github-secret-Lm55' };
const AUTH = 'Bearer sk-live-authorization-Vb82';
const COOKIE = 'session=cookie-secret-Hn37';
const SERVICE_HOST = 'tekton-provenance-interceptor.tekton-provenance.svc';

let kube: KubeApiServer;
let pod: Pod;
let fx: SignerFixture;
let srv: RunningInterceptor;
const interceptorLog = memoryLogger();
const signerLog: string[] = [];

before(async () => {
  kube = await startKubeApiServer();
  for (const [name, value] of Object.entries({ 'github-webhook': SECRETS.github, 'gitlab-webhook': SECRETS.gitlab, 'bitbucket-webhook': SECRETS.bitbucket })) {
    kube.objects.put({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'ci', labels: { 'tekton-provenance.dev/webhook-secret': 'true' } }, data: { secret: Buffer.from(value).toString('base64'), token: Buffer.from(value).toString('base64') } });
  }
  kube.objects.put({ apiVersion: 'triggers.tekton.dev/v1alpha1', kind: 'ClusterInterceptor', metadata: { name: 'tekton-provenance' }, spec: { clientConfig: { service: { name: 'tekton-provenance-interceptor', namespace: 'tekton-provenance', port: 8443 } } } });
  const out = new PassThrough();
  out.on('data', (c: Buffer) => signerLog.push(c.toString()));
  pod = await startPod(kube.kubeConfig(), { signer: jsonLogger('signer', out), interceptor: interceptorLog });
  fx = pod.fx;
  srv = pod.srv;
});
after(async () => {
  await pod.close();
  await kube.close();
});

test('no webhook secret, token, credential header or key appears in logs, metrics, events, answers or records', async () => {
  const withExtraHeaders = (r: RequestParts): RequestParts => ({
    ...r,
    header: { ...r.header, Authorization: [AUTH], Cookie: [COOKIE], 'X-Api-Key': [AUTH] },
  });
  const requests: RequestParts[] = [
    withExtraHeaders(githubRequest()),
    withExtraHeaders(gitlabRequest()),
    withExtraHeaders(bitbucketRequest()),
    withExtraHeaders(gitlabRequest(undefined, FORGED.gitlab)),
    githubRequest(undefined, FORGED.github),
    { ...gitlabRequest(), interceptor_params: { provider: 'gitlab', secretRef: { secretName: 'missing', secretKey: 'token' } } },
    { ...gitlabRequest('not json'), interceptor_params: { provider: 'gitlab', secretRef: { secretName: 'gitlab-webhook', secretKey: 'token' }, failurePolicy: 'Ignore' } },
  ];
  requests[1]!.interceptor_params = { provider: 'gitlab', secretRef: { secretName: 'gitlab-webhook', secretKey: 'token' } };
  requests[3]!.interceptor_params = requests[1]!.interceptor_params;
  const answers: string[] = [];
  for (const r of requests) answers.push(JSON.stringify((await postHttps(`${srv.url}/`, srv.caCert()!, JSON.stringify(r), SERVICE_HOST)).json));
  assert.equal(fx.storedCount(), 3, 'the three genuine events are stored');
  await new Promise((r) => setTimeout(r, 200)); // let best-effort Events land

  const metrics = await fetchMetrics();
  const records = await Promise.all(requests.map((r) => fx.store.getByEventId(r.context!.event_id)));
  const statements = records.flatMap((rec) => (rec ? [Buffer.from(rec.envelope.payload, 'base64').toString('utf8')] : []));
  const events = JSON.stringify(kube.objects.list('v1', 'Event', 'ci'));
  assert.ok(events.includes('TOKEN_MISMATCH'), 'rejections were recorded as Events');
  const outputs: Record<string, string> = {
    'interceptor log': interceptorLog.lines.join(''),
    'signer log': signerLog.join(''),
    metrics,
    'kubernetes events': events,
    answers: answers.join('\n'),
    'signed statements': statements.join('\n'),
    'sqlite file': readFileSync(fx.dbPath).toString('latin1') + safeRead(`${fx.dbPath}-wal`),
  };
  const keyBody = fx.privateKeyPem.split('\n')[1]!;
  const needles = [...Object.values(SECRETS), ...Object.values(FORGED), AUTH, COOKIE, 'cookie-secret', keyBody];
  for (const [where, text] of Object.entries(outputs)) {
    assert.ok(text.length > 0, `${where} is not empty`);
    for (const needle of needles) assert.equal(text.includes(needle), false, `${where} contains a secret`);
  }
  // What the records do say instead.
  assert.ok(statements.every((s) => s.includes('"redactedHeaders":["Authorization","Cookie"')), 'redacted names are listed');
});

async function fetchMetrics(): Promise<string> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    request(`${srv.url}/metrics`, { ca: srv.caCert(), agent: false, servername: SERVICE_HOST }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(text));
    })
      .on('error', reject)
      .end();
  });
}

function safeRead(path: string): string {
  try {
    return readFileSync(path).toString('latin1');
  } catch {
    return '';
  }
}
