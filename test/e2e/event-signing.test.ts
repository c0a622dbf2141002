import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { startKubeApiServer, type KubeApiServer } from '../harness/kube/index.ts';
import {
  EventListenerSimulator,
  loadClusterInterceptor,
  startTestInterceptor,
  type TriggerDefinition,
} from '../harness/eventlistener/index.ts';
import type { TriggerTemplate } from '../harness/eventlistener/index.ts';
import {
  bitbucketServerPushDelivery,
  githubDelivery,
  githubExamples,
  gitlabPushDelivery,
  type WebhookDelivery,
} from '../harness/fixtures/webhooks.ts';
import { startInterceptor, memoryLogger, type RunningInterceptor } from '../../interceptor/index.ts';
import { startSignerServer, jsonLogger, type SignerServer } from '../../signer/server/index.ts';
import { SqliteEventStore } from '../../signer/events/stores/sqlite.ts';
import { KubeEventRecorder } from '../../signer/authenticity/event-recorder.ts';
import { KubeSecretResolver } from '../../signer/authenticity/secrets/kube.ts';
import { interceptorTlsService } from '../../signer/main/tls-service.ts';
import { LocalSigner } from '../../signer/keys/local.ts';
import { main } from '../../signer/cli/main.ts';
import {
  EVENT_DIGEST_ANNOTATION,
  EVENT_SIGNATURE_ANNOTATION,
  TRIGGERS_EVENT_ID_LABEL,
} from '../../signer/events/event-record.ts';

// Plain JSON views of the example YAML.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

const MANIFESTS = join(import.meta.dirname, '../../manifests');
const SECRETS = { github: '1234567', gitlab: 'gitlab-secret-token', bitbucket: 'bitbucket-secret' };
const SERVICE_HOST = 'tekton-provenance-interceptor.tekton-provenance.svc';

const dir = mkdtempSync(join(tmpdir(), 'tp-e2e-'));
const dbPath = join(dir, 'events.db');
const keyPath = join(dir, 'signing.pub');
let kube: KubeApiServer;
let store: SqliteEventStore;
let signerServer: SignerServer;
let interceptor: RunningInterceptor;
let tls: { stop(): Promise<void> } | undefined;
let listener: EventListenerSimulator;
const interceptorLog = memoryLogger();
let signerLog = '';

function yamlObjects(file: string): Obj[] {
  return parseAllDocuments(readFileSync(join(MANIFESTS, file), 'utf8')).map((d) => d.toJS() as Obj);
}

before(async () => {
  kube = await startKubeApiServer();
  const kc = kube.kubeConfig();
  // The cluster: our ClusterInterceptor as shipped (no caBundle yet) and the example webhook
  // Secrets in the trigger namespace, with test values.
  kube.objects.put(yamlObjects('70-clusterinterceptor.yaml')[0]);
  // RBAC as shipped: the signer's ServiceAccount is the pod's only API identity.
  for (const o of yamlObjects('20-rbac.yaml')) kube.objects.put(o);
  for (const s of yamlObjects('examples/webhook-secrets.yaml')) {
    if (s.kind !== 'Secret') {
      kube.objects.put(s); // the namespace's RoleBinding: its consent to the signer reading here
      continue;
    }
    const provider = s.metadata.name.replace('-webhook', '') as keyof typeof SECRETS;
    kube.objects.put({
      ...s,
      stringData: undefined,
      data: { token: Buffer.from(SECRETS[provider]).toString('base64') },
    });
  }

  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signer = new LocalSigner(privateKey);
  writeFileSync(keyPath, signer.publicKey.export({ type: 'spki', format: 'pem' }));
  store = new SqliteEventStore(dbPath);
  const socketPath = join(dir, 'signer.sock');
  const logs = new PassThrough();
  logs.on('data', (c: Buffer) => (signerLog += c.toString()));
  // The signer as in the cluster, with the ServiceAccount token only it gets: it reads the
  // labelled webhook Secrets, records refusals as Events, keeps the interceptor's TLS (cert in a
  // Secret, CA patched into our ClusterInterceptor, serving cert on a shared volume).
  const signerKc = kube.kubeconfigFor({ serviceAccount: 'tekton-provenance/tekton-provenance' }).kubeConfig();
  const signerLogger = jsonLogger('signer', logs);
  tls = await interceptorTlsService({
    kubeConfig: signerKc,
    namespace: 'tekton-provenance',
    serviceName: 'tekton-provenance-interceptor',
    secretName: 'tekton-provenance-interceptor-tls',
    clusterInterceptorName: 'tekton-provenance',
    dir: join(dir, 'tls'),
    logger: signerLogger,
  }).start();
  signerServer = await startSignerServer({
    socketPath,
    signer,
    store,
    logger: signerLogger,
    secrets: new KubeSecretResolver(signerKc),
    events: new KubeEventRecorder(signerKc, signerLogger),
  });

  // The interceptor as in the cluster: no kubeconfig at all, the cert from the shared volume.
  interceptor = await startInterceptor({
    host: '127.0.0.1',
    port: 0,
    signerSocket: socketPath,
    tls: { kind: 'files', dir: join(dir, 'tls') },
    logger: interceptorLog,
  });
  // The Service maps 8443 to the pod; here the "pod" listens on a free port.
  await kc.makeApiClient(CustomObjectsApi).patchClusterCustomObject(
    {
      group: 'triggers.tekton.dev',
      version: 'v1alpha1',
      plural: 'clusterinterceptors',
      name: 'tekton-provenance',
      body: { spec: { clientConfig: { service: { port: interceptor.port } } } },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  const resolved = await loadClusterInterceptor(kc, 'tekton-provenance');
  assert.ok(resolved.caPem, 'the interceptor patched its CA into the ClusterInterceptor');
  assert.equal(new URL(resolved.url).hostname, SERVICE_HOST);

  // The example Triggers, bindings and TriggerTemplate, exactly as shipped.
  const template = yamlObjects('examples/triggertemplate.yaml')[0] as TriggerTemplate;
  const bindings = new Map<string, Obj>(
    [
      ...yamlObjects('examples/triggerbinding-provenance.yaml'),
      ...yamlObjects('examples/triggerbindings-git.yaml'),
    ].map((b) => [b.metadata.name, b]),
  );
  const triggers: TriggerDefinition[] = [
    'trigger-github-direct.yaml',
    'trigger-gitlab.yaml',
    'trigger-bitbucket.yaml',
  ].map((file) => {
    const t = yamlObjects(`examples/${file}`)[0];
    return {
      name: t.metadata.name,
      namespace: t.metadata.namespace,
      interceptors: t.spec.interceptors.map((i: Obj) => {
        assert.equal(i.ref.name, 'tekton-provenance');
        return {
          name: i.name,
          url: resolved.url,
          params: Object.fromEntries(i.params.map((p: Obj) => [p.name, p.value])),
        };
      }),
      bindings: t.spec.bindings.flatMap((b: Obj) => bindings.get(b.ref).spec.params),
      template,
    };
  });
  listener = new EventListenerSimulator({
    name: 'provenance-listener',
    namespace: 'ci',
    triggers,
    caBundles: [resolved.caPem],
    kubeConfig: kc,
    hostAliases: { [SERVICE_HOST]: '127.0.0.1' },
  });
});

after(async () => {
  await interceptor?.close();
  await signerServer?.close();
  await tls?.stop();
  await store?.close();
  await kube?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function verifyEvent(...argv: string[]): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  const code = await main(['verify-event', ...argv], { stdout, stderr: stdout, env: {}, cwd: dir });
  return { code, out };
}

/** verify-event, live from the API server + the SQLite store, against `body` as the payload. */
async function verifyRunEvent(run: Obj, body: Buffer, file: string): Promise<{ code: number; out: string }> {
  const payload = join(dir, file);
  writeFileSync(payload, body);
  const ref = `${run.metadata.namespace}/${run.metadata.name}`;
  return verifyEvent('--key', keyPath, '--payload', payload, '--pipelinerun', ref, '--store', dbPath, '--kubeconfig', kube.kubeconfigPath);
}

const deliveries: Array<[string, string, () => WebhookDelivery]> = [
  [
    'github',
    'github-push',
    () => githubDelivery('push', githubExamples('push')[0] as object, SECRETS.github),
  ],
  ['gitlab', 'gitlab-push', () => gitlabPushDelivery(SECRETS.gitlab)],
  ['bitbucket', 'bitbucket-push', () => bitbucketServerPushDelivery(SECRETS.bitbucket)],
];

for (const [provider, triggerName, make] of deliveries) {
  test(`${provider}: a signed webhook through the EventListener yields an annotated PipelineRun that verifies`, async () => {
    const delivery = make();
    const result = await listener.handle({ headers: delivery.headers, body: delivery.body });
    assert.equal(result.status, 202);
    const continued = result.triggers.filter((t) => t.continued);
    assert.deepEqual(
      continued.map((t) => t.trigger),
      [triggerName],
      `only the ${provider} trigger passes: ${JSON.stringify(result.triggers.map((t) => [t.trigger, t.error?.code, t.stoppedBy?.response]))}`,
    );
    const run = continued[0]?.created?.[0] as Obj;
    assert.equal(run.kind, 'PipelineRun');
    const annotations = run.metadata.annotations;
    assert.equal(run.metadata.labels[TRIGGERS_EVENT_ID_LABEL], result.eventId);
    assert.match(annotations[EVENT_DIGEST_ANNOTATION], /^sha256:[0-9a-f]{64}$/);
    assert.ok(annotations[EVENT_SIGNATURE_ANNOTATION]);

    // verify-event, live from the API server + the SQLite store, against the original bytes.
    const v = await verifyRunEvent(run, delivery.body, `${provider}-body.json`);
    assert.equal(v.code, 0, v.out);
    for (const check of [
      'signature',
      'statement',
      'payload',
      'authenticity',
      'run-digest',
      'run-signature',
      'run-event-id',
    ]) {
      assert.match(v.out, new RegExp(`^PASS ${check}`, 'm'));
    }
    assert.match(v.out, new RegExp(`PASS authenticity +${provider} `));

    // A tampered payload is caught.
    const tampered = await verifyRunEvent(run, Buffer.concat([delivery.body, Buffer.from(' ')]), `${provider}-body.json`);
    assert.equal(tampered.code, 1);
  });
}

test('a wrong webhook secret starts nothing and stores nothing; the detail is an Event on the Trigger', async () => {
  const delivery = githubDelivery('push', githubExamples('push')[0] as object, 'not-the-secret');
  const result = await listener.handle({ headers: delivery.headers, body: delivery.body });
  assert.ok(result.triggers.every((t) => !t.continued));
  assert.equal(await store.getByEventId(result.eventId), undefined);
  const ours = result.triggers.find((t) => t.trigger === 'github-push');
  assert.match(ours?.stoppedBy?.response.status?.message ?? '', /^NOT_AUTHENTIC: /);
  type CoreEvent = { reason: string; message: string; involvedObject: { name: string } };
  let found: CoreEvent | undefined;
  for (let i = 0; i < 100 && found === undefined; i++) {
    found = (kube.objects.list('v1', 'Event', 'ci') as CoreEvent[]).find(
      (e) => e.message.includes(result.eventId) && e.involvedObject.name === 'github-push',
    );
    if (found === undefined) await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(found?.reason, 'SIGNATURE_MISMATCH', 'recorded by the signer, with its identity');
  assert.equal(found?.involvedObject.name, 'github-push');
});

test('no webhook secret reaches a record, a log line, or the store', async () => {
  // WAL mode: recent records may still sit in the -wal file.
  const records = Buffer.concat([
    readFileSync(dbPath),
    ...[`${dbPath}-wal`].filter(existsSync).map((f) => readFileSync(f)),
  ]);
  for (const secret of Object.values(SECRETS)) {
    assert.ok(!records.includes(secret), 'not in the store');
    assert.ok(!signerLog.includes(secret), 'not in signer logs');
    assert.ok(!interceptorLog.lines.join('').includes(secret), 'not in interceptor logs');
  }
});

test("chained: a GitHub check first (stand-in for Triggers' core github interceptor), then ours checks the HMAC again", async () => {
  // The core interceptor's check, re-done here: HMAC-SHA256 of the body with the Secret's token.
  const coreGithub = await startTestInterceptor((req) => {
    const sent = String(req.json.header?.['X-Hub-Signature-256']?.[0] ?? '');
    const want = `sha256=${createHmac('sha256', SECRETS.github).update(req.json.body ?? '', 'utf8').digest('hex')}`;
    const ok = sent.length === want.length && timingSafeEqual(Buffer.from(sent), Buffer.from(want));
    return {
      body: ok ? { continue: true } : { continue: false, status: { code: 3, message: 'invalid signature' } },
    };
  });
  try {
    const kc = kube.kubeConfig();
    const ours = await loadClusterInterceptor(kc, 'tekton-provenance');
    const t = yamlObjects('examples/trigger-github-chained.yaml')[0];
    const template = yamlObjects('examples/triggertemplate.yaml')[0] as TriggerTemplate;
    const bindings = [
      ...yamlObjects('examples/triggerbinding-provenance.yaml'),
      ...yamlObjects('examples/triggerbindings-git.yaml'),
    ];
    const chained = new EventListenerSimulator({
      name: 'chained-listener',
      namespace: 'ci',
      triggers: [
        {
          name: t.metadata.name,
          namespace: 'ci',
          interceptors: t.spec.interceptors.map((i: Obj) => ({
            name: i.name,
            url: i.ref.name === 'tekton-provenance' ? ours.url : coreGithub.url,
            params: Object.fromEntries(i.params.map((p: Obj) => [p.name, p.value])),
          })),
          bindings: t.spec.bindings.flatMap(
            (b: Obj) => bindings.find((x) => x.metadata.name === b.ref).spec.params,
          ),
          template,
        },
      ],
      caBundles: [ours.caPem as string, coreGithub.caPem],
      kubeConfig: kc,
      hostAliases: { [SERVICE_HOST]: '127.0.0.1' },
    });
    const delivery = githubDelivery('push', githubExamples('push')[0] as object, SECRETS.github);
    const result = await chained.handle({ headers: delivery.headers, body: delivery.body });
    const trigger = result.triggers[0];
    assert.equal(trigger?.continued, true, JSON.stringify(trigger?.stoppedBy ?? trigger?.error));
    const run = trigger?.created?.[0] as Obj;
    const v = await verifyRunEvent(run, delivery.body, 'chained-body.json');
    assert.equal(v.code, 0, v.out);
    assert.match(v.out, /^PASS authenticity +github hmac-sha256 X-Hub-Signature-256 by tekton-provenance-signer: verified/m);

    // A bad signature stops the chain at the GitHub check: ours is never called, nothing stored.
    const calls = coreGithub.received.length;
    const bad = githubDelivery('push', githubExamples('push')[0] as object, 'wrong');
    const refused = await chained.handle({ headers: bad.headers, body: bad.body });
    assert.equal(refused.triggers[0]?.continued, false);
    assert.equal(refused.triggers[0]?.calls.length, 1);
    assert.equal(coreGithub.received.length, calls + 1);
    assert.equal(await store.getByEventId(refused.eventId), undefined);
  } finally {
    await coreGithub.close();
  }
});
