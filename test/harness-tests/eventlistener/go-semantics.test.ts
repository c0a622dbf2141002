import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalHeaderKey, toGoHeader } from '../../harness/eventlistener/go-header.ts';
import { goFloatText, goMarshal, goUtf8 } from '../../harness/eventlistener/go-json.ts';
import { decodeInterceptorResponse, encodeInterceptorRequest } from '../../harness/eventlistener/interceptor-request.ts';

describe('Go header canonicalisation (textproto.CanonicalMIMEHeaderKey)', () => {
  test('canonicalises like Go', () => {
    assert.equal(canonicalHeaderKey('x-github-event'), 'X-Github-Event');
    assert.equal(canonicalHeaderKey('X-GitHub-Delivery'), 'X-Github-Delivery');
    assert.equal(canonicalHeaderKey('x-hub-signature-256'), 'X-Hub-Signature-256');
    assert.equal(canonicalHeaderKey('CONTENT-TYPE'), 'Content-Type');
    assert.equal(canonicalHeaderKey('x-gitlab-token'), 'X-Gitlab-Token');
    assert.equal(canonicalHeaderKey('bad key'), 'bad key', 'keys with invalid bytes stay unchanged');
  });
  test('merges repeated headers in order and drops Host and Transfer-Encoding', () => {
    const h = toGoHeader([
      ['Host', 'el.example'],
      ['transfer-encoding', 'chunked'],
      ['x-a', '1'],
      ['X-A', '2'],
      ['Content-Type', 'application/json'],
    ]);
    assert.deepEqual(h, { 'X-A': ['1', '2'], 'Content-Type': ['application/json'] });
  });
});

describe('Go JSON and fmt details', () => {
  test('fmt.Sprint(float64) switches to %e at exponent 6', () => {
    assert.equal(goFloatText(42), '42');
    assert.equal(goFloatText(123456), '123456');
    assert.equal(goFloatText(1000000), '1e+06');
    assert.equal(goFloatText(123456789), '1.23456789e+08');
    assert.equal(goFloatText(0.5), '0.5');
    assert.equal(goFloatText(0.00001), '1e-05');
    assert.equal(goFloatText(-2.5), '-2.5');
  });
  test('json.Marshal escapes HTML characters and sorts map keys', () => {
    assert.equal(goMarshal({ b: '<a&b>', a: '\u2028' }), '{"a":"\\u2028","b":"\\u003ca\\u0026b\\u003e"}');
  });
  test('invalid UTF-8 becomes one U+FFFD per bad byte, valid text is unchanged', () => {
    assert.equal(goUtf8(Buffer.from('zoë ✓ 🚀')), 'zoë ✓ 🚀');
    assert.equal(goUtf8(Buffer.from([0x61, 0xe2, 0x82, 0x62])), 'a\ufffd\ufffdb');
    assert.equal(goUtf8(Buffer.from([0xed, 0xa0, 0x80])), '\ufffd\ufffd\ufffd', 'no surrogates');
    assert.equal(goUtf8(Buffer.from([0xc0, 0xaf])), '\ufffd\ufffd', 'no overlong forms');
  });
});

describe('InterceptorRequest encoding', () => {
  const base = { body: '{"a":1}', header: { 'X-A': ['1'] }, extensions: {}, interceptorParams: {}, eventUrl: '/', eventId: 'e', triggerId: 'namespaces/ns/triggers/t' };
  test('field order of the Go struct, empty maps omitted', () => {
    const text = encodeInterceptorRequest(base).toString();
    assert.equal(text, '{"body":"{\\"a\\":1}","header":{"X-A":["1"]},"context":{"event_url":"/","event_id":"e","trigger_id":"namespaces/ns/triggers/t"}}');
  });
  test('extensions and interceptor_params appear when set', () => {
    const text = encodeInterceptorRequest({ ...base, extensions: { z: 1, a: { y: 2, b: 3 } }, interceptorParams: { p: ['x'] } }).toString();
    assert.match(text, /"header":\{[^}]*\},"extensions":\{"a":\{"b":3,"y":2\},"z":1\},"interceptor_params":\{"p":\["x"\]\},"context"/);
  });
  test('an empty body is omitted (omitempty)', () => {
    assert.doesNotMatch(encodeInterceptorRequest({ ...base, body: '' }).toString(), /"body"/);
  });
});

describe('InterceptorResponse decoding (Go json.Unmarshal)', () => {
  test('missing continue is false; field names match case-insensitively', () => {
    assert.equal(decodeInterceptorResponse(Buffer.from('{}')).continue, false);
    assert.equal(decodeInterceptorResponse(Buffer.from('{"Continue":true}')).continue, true);
  });
  test('rejects non-objects and wrong types', () => {
    assert.throws(() => decodeInterceptorResponse(Buffer.from('[]')));
    assert.throws(() => decodeInterceptorResponse(Buffer.from('{"continue":"yes"}')));
    assert.throws(() => decodeInterceptorResponse(Buffer.from('{"continue":true,"extensions":[1]}')));
  });
});
