import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { EventListenerSimulator, startTestInterceptor } from '../../harness/eventlistener/index.ts';
import type { TestInterceptor, TriggerDefinition } from '../../harness/eventlistener/index.ts';
import { bitbucketServerPushDelivery, githubDelivery, githubExamples, gitlabPushDelivery } from '../../harness/fixtures/webhooks.ts';
import type { WebhookDelivery } from '../../harness/fixtures/webhooks.ts';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const template = {
  metadata: { name: 'noop' },
  spec: { resourcetemplates: [{ apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', metadata: { generateName: 'run-' } }] },
};

describe('the body reaches the interceptor byte-exact', () => {
  let ic: TestInterceptor;
  let el: EventListenerSimulator;
  before(async () => {
    ic = await startTestInterceptor();
    const trigger: TriggerDefinition = { name: 'push', interceptors: [{ name: 'probe', url: `${ic.url}/probe` }], template };
    el = new EventListenerSimulator({ name: 'el', namespace: 'ci', triggers: [trigger], caBundles: [ic.caPem] });
  });
  after(() => ic.close());

  const deliveries: Array<[string, () => WebhookDelivery]> = [
    ...githubExamples('push').map((p, i): [string, () => WebhookDelivery] => [`GitHub push #${i}`, () => githubDelivery('push', p)]),
    ...githubExamples('pull_request').slice(0, 5).map((p, i): [string, () => WebhookDelivery] => [`GitHub pull_request #${i}`, () => githubDelivery('pull_request', p)]),
    ...githubExamples('dependabot_alert').map((p, i): [string, () => WebhookDelivery] => [`GitHub dependabot_alert #${i} (emoji)`, () => githubDelivery('dependabot_alert', p)]),
    ['GitHub push, pretty-printed with non-ASCII', () => githubDelivery('push', Buffer.from(JSON.stringify({ ...githubExamples('push')[0], head_commit: { message: 'Zoë 日本語 🚀 <&> \u2028' } }, null, 2)))],
    ['GitLab push (non-ASCII, \\u escapes, U+2028)', () => gitlabPushDelivery()],
    ['Bitbucket Server repo:refs_changed (non-ASCII)', () => bitbucketServerPushDelivery()],
  ];

  for (const [name, make] of deliveries) {
    test(name, async () => {
      const d = make();
      const before = ic.received.length;
      const result = await el.handle({ method: 'POST', headers: d.headers, body: d.body });
      assert.equal(result.status, 202);
      assert.equal(result.triggers[0]?.error, undefined, String(result.triggers[0]?.error));
      const got = ic.received[before];
      assert.ok(got, 'the interceptor was called');
      assert.equal(typeof got.json.body, 'string', 'body is ONE JSON string');
      assert.equal(sha256(Buffer.from(got.json.body ?? '', 'utf8')), sha256(d.body), 'sha256 of the body as UTF-8 bytes');
      assert.deepEqual(got.raw, result.triggers[0]?.calls[0]?.request, 'what was sent is what arrived');
    });
  }

  test('headers arrive Go-canonical with []string values, Host dropped; context is complete', async () => {
    const d = githubDelivery('push', githubExamples('push')[0] as object);
    const before = ic.received.length;
    const result = await el.handle({ headers: { ...d.headers, Host: 'el.example.com' }, body: d.body, path: '/hooks?x=1' });
    const got = ic.received[before];
    assert.ok(got);
    assert.deepEqual(got.json.header?.['X-Github-Event'], ['push']);
    assert.deepEqual(got.json.header?.['X-Hub-Signature-256'], [d.headers['X-Hub-Signature-256']]);
    assert.equal(got.json.header?.['X-GitHub-Event'], undefined, 'not the sender spelling');
    assert.equal(got.json.header?.['Host'], undefined);
    assert.equal(got.json.context.event_url, '/hooks?x=1');
    assert.match(got.json.context.event_id ?? '', UUID_V4);
    assert.equal(got.json.context.event_id, result.eventId);
    assert.equal(got.json.context.trigger_id, 'namespaces/ci/triggers/push');
    assert.equal('extensions' in got.json, false, 'empty extensions omitted');
    assert.equal('interceptor_params' in got.json, false, 'empty params omitted');
    assert.equal(got.path, '/probe');
    assert.equal(got.headers['content-type'], undefined, 'Triggers sends no Content-Type');
    assert.equal(got.headers['user-agent'], 'Go-http-client/1.1');
  });

  test('invalid UTF-8 is replaced by U+FFFD (Go string -> JSON), documented limitation', async () => {
    const body = Buffer.concat([Buffer.from('{"m":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('b"}')]);
    const before = ic.received.length;
    await el.handle({ headers: { 'Content-Type': 'application/json' }, body });
    assert.equal(ic.received[before]?.json.body, '{"m":"a\ufffd\ufffdb"}');
  });

  test('a body that is not a JSON object gets 400 and no interceptor call', async () => {
    const before = ic.received.length;
    const result = await el.handle({ headers: {}, body: Buffer.from('[1,2]') });
    assert.equal(result.status, 400);
    assert.equal(ic.received.length, before);
  });
});
