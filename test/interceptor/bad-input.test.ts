import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createInterceptorApp } from '../../interceptor/app.ts';
import { memoryLogger } from '../../interceptor/observe/logger.ts';
import { UdsEventSigner } from '../../interceptor/signer-client/client.ts';
import { bitbucketRequest, githubRequest, gitlabRequest, hmac, type RequestParts } from './helpers/requests.ts';
import { startSignerFixture, type SignerFixture } from './helpers/signer.ts';

let fx: SignerFixture;
let client: UdsEventSigner;
let app: ReturnType<typeof createInterceptorApp>;

before(async () => {
  fx = await startSignerFixture();
  client = new UdsEventSigner(fx.socketPath, 60_000); // 25 MiB events on a loaded test machine: never fail on speed
  app = createInterceptorApp({ signer: client, logger: memoryLogger(), load: { requestBudgetMs: 60_000 } });
});
after(async () => {
  client.close();
  await fx.close();
});

function send(raw: string | Buffer, target = app) {
  // superagent would JSON-encode a Buffer sent as application/json; the app reads raw bytes whatever the type.
  const type = Buffer.isBuffer(raw) ? 'application/octet-stream' : 'application/json';
  return request(target).post('/').set('content-type', type).send(raw);
}

/** Sends `req`, expects continue:false with `grpc` and a message starting with `code`, and nothing stored. */
async function refused(req: RequestParts | string | Buffer, grpc: number, code: string) {
  const before = fx.storedCount();
  const res = await send(typeof req === 'string' || Buffer.isBuffer(req) ? req : JSON.stringify(req));
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.continue, false);
  assert.equal(res.body.status.code, grpc);
  assert.ok(res.body.status.message.startsWith(`${code}: `), res.body.status.message);
  assert.equal(res.body.extensions, undefined);
  assert.equal(fx.storedCount(), before, 'nothing is stored');
  return res.body.status.message as string;
}

async function unusable(raw: string | Buffer, code: string, target = app) {
  const before = fx.storedCount();
  const res = await send(raw, target);
  assert.equal(res.status, 400);
  assert.equal(res.body.error.code, code, JSON.stringify(res.body));
  assert.equal(fx.storedCount(), before, 'nothing is stored');
  return res.body.error.message as string;
}

describe('authenticity failures: continue false, code 3, nothing stored', () => {
  test('wrong HMAC (body altered after signing): one answer from the signer, no detail', async () => {
    const req = githubRequest();
    req.body = req.body.replace('"ref"', '"ref "');
    const msg = await refused(req, 3, 'NOT_AUTHENTIC');
    assert.match(msg, /webhook authenticity could not be established/);
    assert.doesNotMatch(msg, /HMAC|secret/i);
  });

  test('missing signature header (GitHub, Bitbucket) and missing token (GitLab)', async () => {
    const gh = githubRequest();
    delete gh.header['X-Hub-Signature-256'];
    await refused(gh, 3, 'MISSING_SIGNATURE');
    const bb = bitbucketRequest();
    delete bb.header['X-Hub-Signature'];
    await refused(bb, 3, 'MISSING_SIGNATURE');
    const gl = gitlabRequest();
    delete gl.header['X-Gitlab-Token'];
    await refused(gl, 3, 'MISSING_SIGNATURE');
  });

  test('wrong secret for each provider', async () => {
    await refused(githubRequest(undefined, 'not-the-secret'), 3, 'NOT_AUTHENTIC');
    await refused(bitbucketRequest(undefined, 'not-the-secret'), 3, 'NOT_AUTHENTIC');
    await refused(gitlabRequest(undefined, 'not-the-token'), 3, 'NOT_AUTHENTIC');
  });

  test('malformed signature header values', async () => {
    for (const value of ['sha256=zz', 'md5=abcd', 'sha256', hmac('sha1', 'x', 'y')]) {
      const req = githubRequest();
      req.header['X-Hub-Signature-256'] = [value];
      await refused(req, 3, 'NOT_AUTHENTIC');
    }
  });
});

describe('bad bodies: continue false, code 3, nothing stored', () => {
  test('body that is not JSON', async () => {
    const body = 'payload=%7B%22a%22%3A1%7D';
    const msg = await refused(githubRequest(body), 3, 'BODY_NOT_JSON');
    assert.match(msg, /webhook body is not JSON/);
  });

  test('over-size body (25 MiB + 1 byte)', async () => {
    const body = `{"a":"${'x'.repeat(25 * 1024 * 1024 - 7)}"}`;
    assert.equal(Buffer.byteLength(body), 25 * 1024 * 1024 + 1);
    await refused(githubRequest(body), 3, 'BODY_TOO_LARGE');
  });

  test('a body of exactly 25 MiB is accepted', async () => {
    const body = `{"a":"${'x'.repeat(25 * 1024 * 1024 - 8)}"}`;
    const req = githubRequest(body);
    const res = await send(JSON.stringify(req));
    assert.equal(res.body.continue, true, JSON.stringify(res.body).slice(0, 300));
    assert.ok(await fx.store.getByEventId(req.context!.event_id));
  });

  test('excessive nesting (65 levels; 64 pass)', async () => {
    await refused(githubRequest(`${'['.repeat(65)}${']'.repeat(65)}`), 3, 'BODY_TOO_DEEP');
    const ok = await send(JSON.stringify(githubRequest(`${'['.repeat(64)}${']'.repeat(64)}`)));
    assert.equal(ok.body.continue, true);
  });

  test('brackets inside strings do not count as nesting', async () => {
    const ok = await send(JSON.stringify(githubRequest(JSON.stringify({ s: '[['.repeat(200) + '\\"{{' }))));
    assert.equal(ok.body.continue, true);
  });

  test('invalid UTF-8 inside the body (a lone surrogate escape)', async () => {
    // A JSON string may carry \ud800; it has no UTF-8 form, so no sender could have sent it.
    const req = githubRequest('{"a":"x"}');
    const raw = JSON.stringify(req).replace('{\\"a\\":\\"x\\"}', '{\\"a\\":\\"\\ud800\\"}');
    assert.notEqual(raw, JSON.stringify(req));
    await refused(raw, 3, 'BODY_NOT_WELL_FORMED');
  });
});

describe('unusable InterceptorRequests: HTTP 400, nothing stored', () => {
  test('malformed JSON', async () => {
    const msg = await unusable('{"body": "{}", "context": ', 'MALFORMED_REQUEST');
    assert.match(msg, /not valid JSON/);
  });

  test('not an object, body missing or not a string', async () => {
    await unusable('[1,2]', 'MALFORMED_REQUEST');
    await unusable(JSON.stringify({ ...githubRequest(), body: { a: 1 } }), 'MALFORMED_REQUEST');
    const { body: _b, ...noBody } = githubRequest();
    assert.match(await unusable(JSON.stringify(noBody), 'MALFORMED_REQUEST'), /"body" must be a string, got undefined/);
  });

  test('missing context, or context without event_id', async () => {
    const { context: _c, ...noContext } = githubRequest();
    assert.match(await unusable(JSON.stringify(noContext), 'MISSING_CONTEXT'), /no "context"/);
    const badId = { ...githubRequest(), context: { event_url: '/', trigger_id: 'namespaces/ci/triggers/t' } };
    await unusable(JSON.stringify(badId), 'MISSING_CONTEXT');
  });

  test('more headers than a record may hold, or an over-long event_url', async () => {
    const req = githubRequest();
    for (let i = 0; i < 520; i++) req.header[`X-Extra-${i}`] = ['v'];
    assert.match(await unusable(JSON.stringify(req), 'MALFORMED_REQUEST'), /"header" has 526 headers \(at most 512\)/);
    const long = githubRequest();
    long.context!.event_url = `/${'a'.repeat(5000)}`;
    await unusable(JSON.stringify(long), 'MISSING_CONTEXT');
  });

  test('invalid UTF-8 bytes in the request', async () => {
    const raw = Buffer.from(JSON.stringify(githubRequest('{"a":"ZZ"}')));
    const at = raw.indexOf('ZZ');
    raw[at] = 0xff;
    raw[at + 1] = 0xfe;
    await unusable(raw, 'REQUEST_INVALID_UTF8');
  });

  test('a request nested too deeply outside the body', async () => {
    const req = { ...githubRequest(), extensions: JSON.parse(`${'{"a":'.repeat(40)}1${'}'.repeat(40)}`) };
    await unusable(JSON.stringify(req), 'MALFORMED_REQUEST');
  });

  test('a compressed request is never inflated: refused like any unreadable body', async () => {
    const before = fx.storedCount();
    const res = await request(app).post('/').set('content-type', 'application/json').set('content-encoding', 'gzip').send(JSON.stringify(githubRequest()));
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { error: { code: 'MALFORMED_REQUEST', message: 'unusable request: content encoding unsupported' } });
    assert.equal(fx.storedCount(), before, 'nothing is stored');
  });

  test('a request over the outer size limit', async () => {
    const small = createInterceptorApp({ signer: client, maxRequestBytes: 1024, logger: memoryLogger() });
    const msg = await unusable(JSON.stringify(githubRequest()), 'REQUEST_TOO_LARGE', small);
    assert.match(msg, /over the 1024 byte limit/);
  });
});

describe('configuration problems', () => {
  test('invalid params are code 3 naming the param', async () => {
    const unknown = { ...githubRequest(), interceptor_params: { provider: 'gitea' } };
    assert.match(await refused(unknown, 3, 'INVALID_PARAMS'), /"provider" must be one of github, gitlab, bitbucket, none/);
    const noRef = { ...githubRequest(), interceptor_params: { provider: 'github' } };
    assert.match(await refused(noRef, 3, 'INVALID_PARAMS'), /needs param "secretRef"/);
    const policy = { ...githubRequest(), interceptor_params: { ...githubRequest().interceptor_params, failurePolicy: 'Maybe' } };
    assert.match(await refused(policy, 3, 'INVALID_PARAMS'), /"failurePolicy" must be Fail or Ignore/);
  });

  test('a secret that does not exist gets the same answer as a wrong signature', async () => {
    const req = { ...githubRequest(), interceptor_params: { provider: 'github', secretRef: { secretName: 'nope', secretKey: 'x' } } };
    await refused(req, 3, 'NOT_AUTHENTIC');
  });

  test('a trigger_id without a namespace cannot locate the secret', async () => {
    const req = githubRequest();
    req.context!.trigger_id = 'my-trigger';
    await refused(req, 3, 'INVALID_TRIGGER_ID');
  });
});
