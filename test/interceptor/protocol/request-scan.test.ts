import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { exceedsJsonDepth } from '../../../interceptor/protocol/json-depth.ts';
import { scanRequest } from '../../../interceptor/protocol/request-scan.ts';
import { parseInterceptorRequest, textBytes } from '../../../interceptor/protocol/request.ts';
import { buildEventStatement } from '../../../interceptor/record/statement.ts';

const tricky = fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', ',', ':', 'a', 'body', ' ', '\u2028', 'é', '\n', '<') });
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, tricky, fc.integer(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 3 }),
  object: fc.dictionary(tricky, tie('value'), { maxKeys: 3 }),
})).value;

/** Go's encoding/json escapes <, > and & in strings: a literal that is not JSON.stringify's. */
const goEscape = (literal: string) => literal.replace(/</g, '\\u003c');

test('the located body literal always parses to the body JSON.parse sees (or nothing is located)', () => {
  const member = fc.oneof(
    fc.tuple(fc.constant('body'), fc.oneof(tricky, json)),
    fc.tuple(fc.constantFrom('header', 'context', 'bo\\u0064y', 'xbody', 'Body'), json),
    fc.tuple(tricky, json),
  );
  fc.assert(
    fc.property(fc.array(member, { maxLength: 5 }), fc.boolean(), fc.boolean(), (members, pretty, go) => {
      const sep = pretty ? ',\n  ' : ',';
      let text = `{${members.map(([k, v]) => `${k.startsWith('bo\\') ? `"${k}"` : JSON.stringify(k)}:${JSON.stringify(v)}`).join(sep)}}`;
      if (go) text = goEscape(text);
      const parsed = JSON.parse(text) as Record<string, unknown>;
      const scan = scanRequest(text, 64);
      assert.equal(scan.tooDeep, exceedsJsonDepth(text, 64));
      if (scan.bodyJson !== undefined) assert.equal(JSON.parse(scan.bodyJson), parsed.body);
      // Located whenever no top-level key is written with an escape (the one ambiguous case).
      const plainKeys = members.every(([k]) => !k.startsWith('bo\\') && !JSON.stringify(k).includes('\\') && !(go && k.includes('<')));
      if (typeof parsed.body === 'string' && plainKeys) assert.notEqual(scan.bodyJson, undefined, text);
    }),
    { numRuns: 1000 },
  );
});

test('duplicate and escaped "body" keys: the last plain key wins, an escaped key disables the splice', () => {
  assert.equal(scanRequest('{"body":"a","body":"b"}', 8).bodyJson, '"b"');
  assert.equal(scanRequest('{"body":"a","body":5}', 8).bodyJson, undefined);
  assert.equal(scanRequest('{"body":"a","bo\\u0064y":"b"}', 8).bodyJson, undefined);
  assert.equal(scanRequest('{"x":{"body":"inner"},"body":"outer"}', 8).bodyJson, '"outer"');
  assert.equal(scanRequest('[["body"],"body","x"]', 8).bodyJson, undefined);
  assert.equal(scanRequest('{"a":[[[["x"]]]]}', 3).tooDeep, true);
});

function statementFor(requestText: string) {
  const req = parseInterceptorRequest(Buffer.from(requestText));
  return {
    req,
    statement: buildEventStatement({
      body: req.body,
      bodyBytes: Buffer.from(req.body),
      ...(req.bodyJson === undefined ? {} : { bodyJson: req.bodyJson }),
      header: req.header,
      context: req.context,
      receivedAt: new Date('2026-11-28T12:00:00Z'),
      authenticity: { provider: 'github', verified: true, method: 'hmac-sha256 X-Hub-Signature-256', checkedBy: 'tekton-provenance-interceptor' },
      interceptor: { name: 'tekton-provenance-interceptor', version: 'test' },
    }),
  };
}

test('a spliced statement is byte-identical to JSON.stringify when the sender escaped like JSON.stringify', () => {
  const body = JSON.stringify({ ref: 'refs/heads/main', msg: 'quote " backslash \\ newline \n é \u2028 <b>' });
  const text = JSON.stringify({ body, header: { 'X-Github-Event': ['push'] }, context: { event_id: 'ev-1', event_url: '/', trigger_id: 'namespaces/ci/triggers/t' } });
  const spliced = statementFor(text);
  assert.notEqual(spliced.req.bodyJson, undefined);
  const { bodyJson: _unused, ...plain } = spliced.req;
  const reference = buildEventStatement({
    body: plain.body,
    bodyBytes: Buffer.from(plain.body),
    header: plain.header,
    context: plain.context,
    receivedAt: new Date('2026-11-28T12:00:00Z'),
    authenticity: { provider: 'github', verified: true, method: 'hmac-sha256 X-Hub-Signature-256', checkedBy: 'tekton-provenance-interceptor' },
    interceptor: { name: 'tekton-provenance-interceptor', version: 'test' },
  });
  assert.deepEqual(spliced.statement.bytes, reference.bytes);
  // Go's escaping: other bytes, same statement once parsed, same digest.
  const goSpliced = statementFor(goEscape(text));
  assert.notDeepEqual(goSpliced.statement.bytes, reference.bytes);
  assert.deepEqual(JSON.parse(goSpliced.statement.bytes.toString()), JSON.parse(reference.bytes.toString()));
  assert.equal(goSpliced.statement.digest, reference.digest);
});

test('the body literal handed to the statement is exactly the bytes of the located literal (ASCII and non-ASCII requests)', () => {
  const text = fc.string({ unit: fc.constantFrom('a', '"', '\\', '{', '}', 'é', '€', '😀', '\u2028', '<', '\n') });
  fc.assert(
    fc.property(text, text, fc.boolean(), fc.boolean(), (body, headerValue, bodyFirst, go) => {
      const header = JSON.stringify({ 'X-Note': [headerValue] });
      const context = '{"event_id":"ev-1","event_url":"/","trigger_id":"namespaces/ci/triggers/t"}';
      const members = [`"body":${JSON.stringify(body)}`, `"header":${header}`, `"context":${context}`];
      let requestText = `{${(bodyFirst ? members : [members[1], members[2], members[0]]).join(',')}}`;
      if (go) requestText = goEscape(requestText);
      const req = parseInterceptorRequest(Buffer.from(requestText));
      const literal = scanRequest(requestText, 32).bodyJson;
      assert.notEqual(literal, undefined);
      assert.deepEqual(req.bodyJson, Buffer.from(literal!, 'utf8'));
      assert.equal(JSON.parse(req.bodyJson!.toString('utf8')), body);
    }),
    { numRuns: 1000 },
  );
});

test('textBytes: a view into the request bytes, equal to encoding the part again', () => {
  for (const requestText of ['{"a":"x","body":"\\"b\\""}', '{"a":"é😀","body":"\\"€\\""}', '{"body":"😀"}']) {
    const raw = Buffer.from(requestText);
    const at = requestText.indexOf('"body":') + 7;
    const part = requestText.slice(at, -1);
    const bytes = textBytes(raw, requestText, at, part);
    assert.deepEqual(bytes, Buffer.from(part));
    assert.equal(bytes.buffer, raw.buffer, 'no copy');
  }
});
