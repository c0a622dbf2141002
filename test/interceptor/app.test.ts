import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { IN_TOTO_PAYLOAD_TYPE } from '../../signer/dsse/envelope.ts';
import { verifyEnvelope } from '../../signer/dsse/verify.ts';
import { EVENT_PREDICATE_TYPE, type EventPredicate } from '../../signer/events/event-record.ts';
import type { Statement } from '../../signer/intoto/statement.ts';
import { createInterceptorApp } from '../../interceptor/app.ts';
import { memoryLogger } from '../../interceptor/observe/logger.ts';
import { InterceptorMetrics } from '../../interceptor/observe/metrics.ts';
import { UdsEventSigner } from '../../interceptor/signer-client/client.ts';
import { bitbucketRequest, githubRequest, gitlabRequest, type RequestParts } from './helpers/requests.ts';
import { startSignerFixture, type SignerFixture } from './helpers/signer.ts';

let fx: SignerFixture;
let client: UdsEventSigner;
const logger = memoryLogger();
const metrics = new InterceptorMetrics();
let app: ReturnType<typeof createInterceptorApp>;

before(async () => {
  fx = await startSignerFixture();
  client = new UdsEventSigner(fx.socketPath);
  app = createInterceptorApp({ signer: client, logger, metrics });
});
after(async () => {
  client.close();
  await fx.close();
});

async function post(req: RequestParts) {
  return request(app).post('/').set('content-type', 'application/json').send(JSON.stringify(req));
}

async function signedStatement(req: RequestParts) {
  const res = await post(req);
  assert.equal(res.status, 200);
  assert.equal(res.body.continue, true, JSON.stringify(res.body));
  const prov = res.body.extensions.provenance as Record<string, unknown>;
  for (const v of Object.values(prov)) assert.equal(typeof v, 'string', 'every extension value is a string');
  const record = await fx.store.getByEventId(req.context!.event_id);
  assert.ok(record, 'the record is stored before the answer');
  assert.equal(prov.digest, record.digest);
  assert.equal(prov.signature, record.envelope.signatures[0]?.sig);
  assert.equal(prov.keyid, fx.signer.keyid);
  assert.equal(prov.predicateType, EVENT_PREDICATE_TYPE);
  assert.equal(prov.signed, 'true');
  const verified = verifyEnvelope(record.envelope, [fx.verifier], { payloadType: IN_TOTO_PAYLOAD_TYPE });
  const statement = JSON.parse(verified.payload.toString('utf8')) as Statement<EventPredicate>;
  const bodyHex = createHash('sha256').update(Buffer.from(req.body, 'utf8')).digest('hex');
  assert.equal(prov.digest, `sha256:${bodyHex}`);
  assert.deepEqual(statement.subject, [{ name: `urn:tekton-provenance:event:${req.context!.event_id}`, digest: { sha256: bodyHex } }]);
  assert.equal(statement.predicate.body, req.body);
  return statement.predicate;
}

describe('signed events', () => {
  test('GitHub: a real push payload with a valid X-Hub-Signature-256 is signed and stored', async () => {
    const req = githubRequest();
    const p = await signedStatement(req);
    assert.deepEqual(p.authenticity, {
      provider: 'github',
      verified: true,
      method: 'hmac-sha256 X-Hub-Signature-256',
      checkedBy: 'tekton-provenance-signer',
    });
    assert.deepEqual(p.context, { eventId: req.context!.event_id, eventUrl: '/', triggerId: 'namespaces/ci/triggers/on-push' });
    assert.deepEqual(p.redactedHeaders, ['X-Hub-Signature', 'X-Hub-Signature-256']);
    assert.deepEqual(Object.keys(p.headers).sort(), ['Content-Type', 'User-Agent', 'X-Github-Delivery', 'X-Github-Event']);
    assert.equal(p.interceptor.name, 'tekton-provenance-interceptor');
    assert.match(p.interceptor.version, /^\d+\.\d+\.\d+/);
    assert.match(p.receivedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  test('GitLab: a matching X-Gitlab-Token is accepted and never recorded', async () => {
    const p = await signedStatement(gitlabRequest());
    assert.equal(p.authenticity.method, 'shared-token X-Gitlab-Token');
    assert.deepEqual(p.redactedHeaders, ['X-Gitlab-Token']);
    assert.equal(p.headers['X-Gitlab-Token'], undefined);
  });

  test('Bitbucket Server: X-Hub-Signature sha256 HMAC is accepted', async () => {
    const p = await signedStatement(bitbucketRequest());
    assert.equal(p.authenticity.method, 'hmac-sha256 X-Hub-Signature');
  });

  test('provider none is recorded as unverified: words the caller chose about who checked are not kept', async () => {
    const req = { ...githubRequest(), interceptor_params: { provider: 'none', checkedBy: 'github (core ClusterInterceptor)' } };
    const p = await signedStatement(req);
    assert.deepEqual(p.authenticity, { provider: 'none', verified: false, method: 'none', checkedBy: '' });
  });

  test('non-ASCII bodies are hashed as their exact UTF-8 bytes', async () => {
    const body = '{"message":"Grüße 🚀 \\u00e9","emoji":"✓"}';
    await signedStatement(githubRequest(body));
  });

  test('sha1 X-Hub-Signature is accepted only with allowSha1', async () => {
    const req = githubRequest();
    delete req.header['X-Hub-Signature-256'];
    const refused = await post(req);
    assert.equal(refused.body.continue, false);
    assert.match(refused.body.status.message, /^MISSING_SIGNATURE/);
    const allowed = { ...req, interceptor_params: { ...req.interceptor_params, allowSha1: true } };
    const p = await signedStatement(allowed);
    assert.equal(p.authenticity.method, 'hmac-sha1 X-Hub-Signature');
  });

  test('eventTypes filters: a listed type is signed, another is refused with code 9', async () => {
    const ok = { ...githubRequest(), interceptor_params: { ...githubRequest().interceptor_params, eventTypes: ['push'] } };
    await signedStatement(ok);
    const other = { ...ok, context: githubRequest().context, interceptor_params: { ...ok.interceptor_params, eventTypes: ['pull_request'] } };
    const res = await post(other);
    assert.equal(res.body.continue, false);
    assert.equal(res.body.status.code, 9);
    assert.match(res.body.status.message, /^EVENT_TYPE_NOT_ALLOWED: event type "push" is not in eventTypes \[pull_request\]/);
  });
});

describe('probes and metrics', () => {
  test('/live and /ready answer 200 while the signer is healthy', async () => {
    assert.equal((await request(app).get('/live')).status, 200);
    assert.equal((await request(app).get('/ready')).status, 200);
  });

  test('/metrics counts signed and rejected events by provider and reason', async () => {
    const res = await request(app).get('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.text, /tekton_provenance_events_signed_total\{provider="github"\} \d+/);
    assert.match(res.text, /tekton_provenance_events_rejected_total\{reason="MISSING_SIGNATURE",provider="github"\} 1/);
    assert.match(res.text, /tekton_provenance_interceptor_request_duration_seconds_bucket/);
  });
});

describe('concurrency', () => {
  test('64 concurrent events are all acknowledged, and every acknowledged one is stored', async () => {
    const reqs = Array.from({ length: 64 }, (_, i) => githubRequest(JSON.stringify({ n: i })));
    const answers = await Promise.all(reqs.map((r) => post(r)));
    assert.ok(answers.every((a) => a.body.continue === true));
    for (const r of reqs) assert.ok(await fx.store.getByEventId(r.context!.event_id));
  });
});
