// Strict JSON and bounded text at every parse of caller input: duplicate member names in the
// InterceptorRequest, in the webhook body and in the statement the signer validates; lone
// surrogates and over-long strings that would be signed; and answers and log lines that echo
// at most a bounded prefix of what a caller sent. Each refusal stores nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createInterceptorApp } from '../../interceptor/app.ts';
import { memoryLogger } from '../../interceptor/observe/logger.ts';
import { UdsEventSigner } from '../../interceptor/signer-client/client.ts';
import { githubRequest, SECRETS, type RequestParts } from '../interceptor/helpers/requests.ts';
import { startSignerFixture, type SignerFixture } from '../interceptor/helpers/signer.ts';
import { eventStatement, statementBytes } from '../signer/events/event-fixture.ts';
import { postStatement } from '../signer/server/uds-client.ts';

let fx: SignerFixture;
let client: UdsEventSigner;
const logger = memoryLogger();
let app: ReturnType<typeof createInterceptorApp>;
before(async () => {
  fx = await startSignerFixture();
  client = new UdsEventSigner(fx.socketPath, 20_000);
  app = createInterceptorApp({ signer: client, logger, load: { requestBudgetMs: 30_000 } });
});
after(async () => {
  client.close();
  await fx.close();
});

const post = (raw: string) => request(app).post('/').set('content-type', 'application/json').send(raw);

/** A signed GitHub request for `body` (the HMAC is right: only strictness can refuse it). */
const signed = (body: string): RequestParts => githubRequest(body, SECRETS.github);

describe('duplicate member names are refused wherever we parse caller JSON', () => {
  test('in the InterceptorRequest (two "body" members: which one would be signed?): 400 MALFORMED_REQUEST, nothing stored', async () => {
    const before = fx.storedCount();
    const req = signed('{"a":1}');
    const text = JSON.stringify(req).replace('{"body":', `{"body":${JSON.stringify('{"evil":1}')},"body":`);
    const res = await post(text);
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'MALFORMED_REQUEST');
    assert.match(res.body.error.message, /duplicate member name "body"/);
    const inContext = JSON.stringify(signed('{"a":1}')).replace('"context":{', '"context":{"event_id":"x",');
    assert.equal((await post(inContext)).status, 400);
    assert.equal(fx.storedCount(), before);
  });

  test('in the webhook body: continue false, BODY_DUPLICATE_KEY (code 3), nothing stored; also with an escaped duplicate', async () => {
    const before = fx.storedCount();
    for (const body of ['{"ref":"refs/heads/main","ref":"refs/heads/evil"}', '{"ref":"a","r\\u0065f":"b"}', '{"repository":{"clone_url":"a","clone_url":"b"}}']) {
      const res = await post(JSON.stringify(signed(body)));
      assert.equal(res.body.continue, false, body);
      assert.equal(res.body.status.code, 3);
      assert.match(res.body.status.message, /^BODY_DUPLICATE_KEY: /);
    }
    assert.equal(fx.storedCount(), before);
  });

  test('in the statement the signer validates, and in the body inside it: INVALID_EVENT_RECORD over the socket, nothing stored', async () => {
    const before = fx.storedCount();
    const dupTop = Buffer.from(statementBytes(eventStatement()).toString().replace('{"_type":', '{"predicateType":"x","_type":'));
    const r1 = await postStatement(fx.socketPath, dupTop);
    assert.equal(r1.status, 400);
    assert.match(JSON.stringify(r1.json), /not strict JSON: duplicate member name/);
    const r2 = await postStatement(fx.socketPath, statementBytes(eventStatement('{"a":1,"a":2}')));
    assert.equal(r2.status, 400);
    assert.match(JSON.stringify(r2.json), /predicate\.body is not strict JSON/);
    const r3 = await postStatement(fx.socketPath, statementBytes(eventStatement(`${'['.repeat(10_000)}${']'.repeat(10_000)}`)));
    assert.equal(r3.status, 400, 'a body nested 10,000 deep is not signed');
    assert.equal(fx.storedCount(), before);
  });
});

describe('text rules for everything signed; bounded echo in answers and logs', () => {
  test('a lone surrogate or an over-long value in a header, or in the statement, is refused', async () => {
    const before = fx.storedCount();
    const lone = signed('{"a":1}');
    lone.header['X-Note'] = ['\ud800'];
    const r1 = await post(JSON.stringify(lone));
    assert.equal(r1.status, 400);
    assert.match(r1.body.error.message, /not well-formed Unicode/);
    const long = signed('{"a":1}');
    long.header['X-Note'] = ['v'.repeat(9000)];
    assert.match((await post(JSON.stringify(long))).body.error.message, /longer than 8192 characters/);
    const st = eventStatement();
    (st.predicate.headers as Record<string, string[]>)['X-Note'] = ['\ud800'];
    assert.equal((await postStatement(fx.socketPath, statementBytes(st))).status, 400, 'JSON.stringify escapes it: still refused');
    assert.equal(fx.storedCount(), before);
  });

  test('a 100,000-character param name, header name and trigger id: the answer and every log line show a bounded prefix', async () => {
    const huge = 'A'.repeat(100_000);
    const badParam = signed('{"a":1}');
    badParam.interceptor_params[huge] = 1;
    const r1 = await post(JSON.stringify(badParam));
    assert.ok(JSON.stringify(r1.body).length < 1_000, `answer of ${JSON.stringify(r1.body).length} characters`);
    const badHeader = signed('{"a":1}');
    badHeader.header[huge] = ['x'];
    const r2 = await post(JSON.stringify(badHeader));
    assert.ok(JSON.stringify(r2.body).length < 1_000);
    const badTrigger = signed('{"a":1}');
    badTrigger.context!.trigger_id = `namespaces/${'x'.repeat(4000)}`;
    await post(JSON.stringify(badTrigger));
    assert.ok(logger.lines.length > 0);
    for (const line of logger.lines) assert.ok(line.length < 4_000, `log line of ${line.length} characters`);
  });
});
