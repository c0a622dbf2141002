import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createInterceptorApp } from '../../interceptor/app.ts';
import { memoryLogger } from '../../interceptor/observe/logger.ts';
import { InterceptorMetrics } from '../../interceptor/observe/metrics.ts';
import { UdsEventSigner } from '../../interceptor/signer-client/client.ts';
import { githubRequest, type RequestParts } from './helpers/requests.ts';
import { startSignerFixture, type SignerFixture } from './helpers/signer.ts';

const ignore = (req: RequestParts): RequestParts => ({
  ...req,
  interceptor_params: { ...req.interceptor_params, failurePolicy: 'Ignore' },
});
const post = (app: ReturnType<typeof createInterceptorApp>, req: RequestParts) =>
  request(app).post('/').set('content-type', 'application/json').send(JSON.stringify(req));

describe('signer unreachable', () => {
  let fx: SignerFixture;
  let client: UdsEventSigner;
  let app: ReturnType<typeof createInterceptorApp>;
  const metrics = new InterceptorMetrics();
  before(async () => {
    fx = await startSignerFixture();
    client = new UdsEventSigner(fx.socketPath);
    app = createInterceptorApp({ signer: client, logger: memoryLogger(), metrics });
    await fx.stop();
  });
  after(async () => {
    client.close();
    await fx.close();
  });

  test('Fail (default): continue false, code 14, the message names the socket', async () => {
    const res = await post(app, githubRequest());
    assert.equal(res.body.continue, false);
    assert.equal(res.body.status.code, 14);
    assert.match(res.body.status.message, /^SIGNER_UNAVAILABLE: signer socket .*signer\.sock is not reachable \(ENOENT\)/);
  });

  test('Ignore: the event goes through unsigned and the extensions say why', async () => {
    const req = ignore(githubRequest());
    const res = await post(app, req);
    assert.equal(res.body.continue, true);
    assert.equal(res.body.status, undefined);
    const prov = res.body.extensions.provenance;
    assert.equal(prov.signed, 'false');
    assert.equal(prov.reason, 'SIGNER_UNAVAILABLE');
    assert.equal(prov.eventId, req.context!.event_id);
    assert.equal(prov.signature, undefined);
    const text = await metrics.registry.metrics();
    assert.match(text, /tekton_provenance_events_unsigned_total\{reason="SIGNER_UNAVAILABLE",provider="github"\} 1/);
  });

  test('/ready is 503 while the signer is down; /live stays 200', async () => {
    assert.equal((await request(app).get('/ready')).status, 503);
    assert.equal((await request(app).get('/live')).status, 200);
  });
});

describe('signer too slow', () => {
  let server: Server;
  let fx: SignerFixture;
  before(async () => {
    fx = await startSignerFixture();
    await fx.stop();
    // Accepts connections and never answers.
    server = createServer(() => undefined);
    await new Promise<void>((r) => server.listen(join(fx.dir, 'silent.sock'), r));
  });
  after(async () => {
    server.close();
    await fx.close();
  });

  test('an unanswered call ends at the signer timeout with code 14', async () => {
    const client = new UdsEventSigner(join(fx.dir, 'silent.sock'), 300);
    const app = createInterceptorApp({ signer: client, logger: memoryLogger() });
    const started = Date.now();
    const res = await post(app, githubRequest());
    client.close();
    assert.equal(res.body.status.code, 14);
    assert.match(res.body.status.message, /^SIGNER_TIMEOUT: no answer from the signer within 300 ms/);
    assert.ok(Date.now() - started < 5_000);
  });
});

describe('store failure and conflicts', () => {
  let fx: SignerFixture;
  let client: UdsEventSigner;
  let app: ReturnType<typeof createInterceptorApp>;
  before(async () => {
    fx = await startSignerFixture();
    client = new UdsEventSigner(fx.socketPath);
    app = createInterceptorApp({ signer: client, logger: memoryLogger() });
  });
  after(async () => {
    client.close();
    await fx.close();
  });

  test('the same event id with another body is refused (code 9 EVENT_CONFLICT)', async () => {
    const first = githubRequest('{"n":1}');
    assert.equal((await post(app, first)).body.continue, true);
    const second = { ...githubRequest('{"n":2}'), context: first.context };
    const res = await post(app, second);
    assert.equal(res.body.status.code, 9);
    assert.match(res.body.status.message, /^EVENT_CONFLICT: /);
  });

  test('a redelivered event (same id, same body) answers with the stored signature', async () => {
    const req = githubRequest('{"n":3}');
    const a = await post(app, req);
    const b = await post(app, req);
    assert.equal(b.body.continue, true);
    assert.equal(b.body.extensions.provenance.signature, a.body.extensions.provenance.signature);
  });

  test('Ignore does not let a forged event through signed, and nothing is stored', async () => {
    const before = fx.storedCount();
    const res = await post(app, ignore(githubRequest(undefined, 'forged')));
    assert.equal(res.body.continue, true);
    assert.equal(res.body.extensions.provenance.signed, 'false');
    assert.equal(res.body.extensions.provenance.reason, 'NOT_AUTHENTIC');
    assert.equal(fx.storedCount(), before);
  });

  test('Ignore never applies to bad input: a body that is not JSON is refused', async () => {
    const res = await post(app, ignore(githubRequest('not json')));
    assert.equal(res.body.continue, false);
    assert.match(res.body.status.message, /^BODY_NOT_JSON/);
  });

  test('a store that fails answers code 14 STORE_UNAVAILABLE', async () => {
    await fx.store.close();
    const res = await post(app, githubRequest('{"n":4}'));
    assert.equal(res.body.continue, false);
    assert.equal(res.body.status.code, 14, res.body.status.message);
    assert.match(res.body.status.message, /^STORE_UNAVAILABLE: /);
  });
});
