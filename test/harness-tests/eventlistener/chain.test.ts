import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventListenerSimulator, makeTestCertificates, serviceDnsNames, startTestInterceptor } from '../../harness/eventlistener/index.ts';
import type { TestInterceptor, TriggerDefinition } from '../../harness/eventlistener/index.ts';
import { gitlabPushDelivery } from '../../harness/fixtures/webhooks.ts';

const template = {
  metadata: { name: 'tt' },
  spec: {
    params: [{ name: 'digest' }, { name: 'revision' }, { name: 'who' }],
    resourcetemplates: [
      {
        apiVersion: 'tekton.dev/v1',
        kind: 'PipelineRun',
        metadata: { generateName: 'build-', annotations: { 'tekton-provenance.dev/event-digest': '$(tt.params.digest)', who: '$(tt.params.who)' } },
        spec: { pipelineRef: { name: 'simple-build' }, params: [{ name: 'revision', value: '$(tt.params.revision)' }] },
      },
    ],
  },
};
const bindings = [
  { name: 'digest', value: '$(extensions.provenance.digest)' },
  { name: 'revision', value: '$(body.checkout_sha)' },
  { name: 'who', value: '$(body.user_name)' },
];

describe('interceptor chain semantics', () => {
  let first: TestInterceptor;
  let second: TestInterceptor;
  let rejecting: TestInterceptor;
  let failing: TestInterceptor;
  let slow: TestInterceptor;
  before(async () => {
    first = await startTestInterceptor(() => ({ body: { continue: true, extensions: { provenance: { digest: 'sha256:first', keyid: 'k1' }, other: 'x' } } }));
    second = await startTestInterceptor(() => ({ body: { continue: true, extensions: { provenance: { digest: 'sha256:second' } } } }));
    rejecting = await startTestInterceptor(() => ({ body: { continue: false, status: { code: 3, message: 'bad signature' } } }));
    failing = await startTestInterceptor(() => ({ status: 500, text: 'boom' }));
    slow = await startTestInterceptor(() => ({ delayMs: 2000, body: { continue: true } }));
  });
  after(async () => {
    for (const s of [first, second, rejecting, failing, slow]) await s.close();
  });

  const el = (triggers: TriggerDefinition[], extra: Partial<ConstructorParameters<typeof EventListenerSimulator>[0]> = {}): EventListenerSimulator =>
    new EventListenerSimulator({ name: 'el', namespace: 'ci', triggers, caBundles: [first, second, rejecting, failing, slow].map((s) => s.caPem), ...extra });

  test('extensions merge shallowly by top-level key (last writer wins) and reach bindings', async () => {
    const sim = el([
      {
        name: 't',
        interceptors: [
          { name: 'first', url: first.url, params: { secretRef: { secretName: 's', secretKey: 'k' } } },
          { name: 'second', url: second.url },
        ],
        bindings,
        template,
      },
    ]);
    const d = gitlabPushDelivery();
    const n1 = first.received.length;
    const n2 = second.received.length;
    const r = (await sim.handle({ headers: d.headers, body: d.body })).triggers[0];
    assert.ok(r && !r.error, String(r?.error));
    assert.deepEqual(first.received[n1]?.json.interceptor_params, { secretRef: { secretName: 's', secretKey: 'k' } });
    assert.equal(first.received[n1]?.json.extensions, undefined);
    const toSecond = second.received[n2]?.json;
    assert.deepEqual(toSecond?.extensions, { provenance: { digest: 'sha256:first', keyid: 'k1' }, other: 'x' }, 'the second sees the first one\'s extensions');
    assert.equal(toSecond?.interceptor_params, undefined, 'params are cleared for the next interceptor');
    assert.deepEqual(r.extensions, { provenance: { digest: 'sha256:second' }, other: 'x' }, 'whole top-level key replaced, keyid gone');
    assert.equal(r.params?.['digest'], 'sha256:second');
    const pr = r.resources?.[0] as { metadata: { annotations: Record<string, string>; labels: Record<string, string> }; spec: { params: Array<{ value: string }> } };
    assert.equal(pr.metadata.annotations['tekton-provenance.dev/event-digest'], 'sha256:second');
    assert.equal(pr.metadata.annotations['who'], 'Zoë Ðorđević');
    assert.equal(pr.spec.params[0]?.value, '4c1e0a9b8f7d6e5c4b3a29180f7e6d5c4b3a2918');
    assert.equal(pr.metadata.labels['triggers.tekton.dev/triggers-eventid'], r.calls[0]?.request && JSON.parse(r.calls[0].request.toString()).context.event_id);
  });

  test('continue:false stops the chain; nothing is created', async () => {
    const n = second.received.length;
    const r = (await el([{ name: 't', interceptors: [{ name: 'rej', url: rejecting.url }, { name: 'second', url: second.url }], bindings, template }]).handle(gitlabPushDelivery())).triggers[0];
    assert.equal(r?.continued, false);
    assert.deepEqual(r?.stoppedBy?.response.status, { code: 3, message: 'bad signature' });
    assert.equal(second.received.length, n);
    assert.equal(r?.resources, undefined);
  });

  test('a non-200 answer drops the trigger (INTERCEPTOR_HTTP_STATUS)', async () => {
    const r = (await el([{ name: 't', interceptors: [{ name: 'f', url: failing.url }], bindings, template }]).handle(gitlabPushDelivery())).triggers[0];
    assert.equal(r?.error?.code, 'INTERCEPTOR_HTTP_STATUS');
    assert.equal(r?.calls[0]?.status, 500);
  });

  test('the response-header timeout drops the trigger (INTERCEPTOR_UNREACHABLE)', async () => {
    const t = Date.now();
    const r = (await el([{ name: 't', interceptors: [{ name: 'slow', url: slow.url }], bindings, template }], { responseHeaderTimeoutMs: 200 }).handle(gitlabPushDelivery())).triggers[0];
    assert.equal(r?.error?.code, 'INTERCEPTOR_UNREACHABLE');
    assert.match(r?.error?.message ?? '', /timeout/);
    assert.ok(Date.now() - t < 1500);
  });

  test('only the caBundles are trusted', async () => {
    const sim = new EventListenerSimulator({ name: 'el', namespace: 'ci', caBundles: [second.caPem], triggers: [{ name: 't', interceptors: [{ name: 'first', url: first.url }], template }] });
    const r = (await sim.handle(gitlabPushDelivery())).triggers[0];
    assert.equal(r?.error?.code, 'INTERCEPTOR_UNREACHABLE');
    assert.match(r?.error?.message ?? '', /self.signed|unable to verify|certificate/i);
  });

  test('http URLs are refused (HTTPS only, like an EL with caBundles)', async () => {
    const r = (await el([{ name: 't', interceptors: [{ name: 'plain', url: first.url.replace('https', 'http') }], template }]).handle(gitlabPushDelivery())).triggers[0];
    assert.equal(r?.error?.code, 'INTERCEPTOR_NOT_HTTPS');
  });

  test('service URLs verify the in-cluster DNS name via hostAliases', async () => {
    const certs = makeTestCertificates({ dnsNames: serviceDnsNames('tp-interceptor', 'tekton-provenance') });
    const svc = await startTestInterceptor(undefined, certs);
    try {
      const port = new URL(svc.url).port;
      const host = 'tp-interceptor.tekton-provenance.svc';
      const ok = new EventListenerSimulator({
        name: 'el', namespace: 'ci', caBundles: [svc.caPem], hostAliases: { [host]: '127.0.0.1' },
        triggers: [{ name: 't', interceptors: [{ name: 'svc', url: `https://${host}:${port}/` }], template }],
      });
      assert.equal((await ok.handle(gitlabPushDelivery())).triggers[0]?.error, undefined);
      const wrongName = new EventListenerSimulator({
        name: 'el', namespace: 'ci', caBundles: [svc.caPem], hostAliases: { 'other.ns.svc': '127.0.0.1' },
        triggers: [{ name: 't', interceptors: [{ name: 'svc', url: `https://other.ns.svc:${port}/` }], template }],
      });
      const r = (await wrongName.handle(gitlabPushDelivery())).triggers[0];
      assert.equal(r?.error?.code, 'INTERCEPTOR_UNREACHABLE');
      assert.match(r?.error?.message ?? '', /altnames|Hostname/i);
    } finally {
      await svc.close();
    }
  });

  test('listen(): answers 202 with the event id before the triggers run', async () => {
    const sim = el([{ name: 't', interceptors: [{ name: 'first', url: first.url }], bindings, template }]);
    const url = await sim.listen();
    try {
      const d = gitlabPushDelivery();
      const utf8AsBytes = Buffer.from('Zoë ✓').toString('latin1'); // what a sender puts on the wire
      const n = first.received.length;
      const res = await fetch(url, { method: 'POST', headers: { ...d.headers, 'X-Note': utf8AsBytes }, body: d.body });
      assert.equal(res.status, 202);
      const { eventID } = (await res.json()) as { eventID: string };
      await sim.idle();
      assert.equal(sim.events[0]?.eventId, eventID);
      assert.equal(sim.events[0]?.triggers[0]?.continued, true);
      assert.deepEqual(first.received[n]?.json.header?.['X-Note'], ['Zoë ✓'], 'header bytes decoded as UTF-8, like Go');
      const bad = await fetch(url, { method: 'POST', body: 'not json' });
      assert.equal(bad.status, 400);
    } finally {
      await sim.close();
    }
  });
});
