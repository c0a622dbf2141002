import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEnvelope, MAX_SIGNATURES } from '../../../signer/dsse/parse.ts';
import { serializeEnvelope } from '../../../signer/dsse/sign.ts';

const good = '{"payloadType":"t","payload":"aGk=","signatures":[{"keyid":"k","sig":"c2ln"}]}';
const codeOf = (text: string | Buffer, max?: number): string | undefined => {
  try {
    parseEnvelope(text, max);
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
};

test('a well-formed envelope parses, from text or bytes', () => {
  const env = parseEnvelope(Buffer.from(good));
  assert.deepEqual(env, { payloadType: 't', payload: 'aGk=', signatures: [{ keyid: 'k', sig: 'c2ln' }] });
  assert.equal(serializeEnvelope(env), good);
});

test('every proper prefix of an envelope is TRUNCATED_JSON', () => {
  for (let n = 0; n < good.length; n++)
    assert.equal(codeOf(good.slice(0, n)), 'TRUNCATED_JSON', `prefix ${n}`);
});

test('shape errors are MALFORMED_ENVELOPE and name the field', () => {
  const cases: [string, RegExp][] = [
    ['[]', /not a JSON object/],
    ['null', /not a JSON object/],
    ['{"payload":"","signatures":[]}', /payloadType/],
    ['{"payloadType":"t","payload":1,"signatures":[]}', /payload/],
    ['{"payloadType":"t","payload":"","signatures":{}}', /signatures array/],
    ['{"payloadType":"t","payload":"","signatures":[{"keyid":"k"}]}', /signatures\[0\] has no string sig/],
    ['{"payloadType":"t","payload":"","signatures":[{"sig":"","keyid":7}]}', /keyid is not a string/],
    ['{"payloadType":"t","payload":"","signatures":[null]}', /signatures\[0\] is not an object/],
    ['{"payloadType":"t",}', /not valid JSON/],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseEnvelope(text),
      (err: { code?: string; message: string }) => {
        assert.equal(err.code, 'MALFORMED_ENVELOPE', text);
        assert.match(err.message, message);
        return true;
      },
    );
  }
});

test('an empty keyid is dropped (no hint) and unknown envelope fields are ignored', () => {
  const env = parseEnvelope(
    '{"payloadType":"t","payload":"","signatures":[{"keyid":"","sig":"c2ln"}],"x":1}',
  );
  assert.deepEqual(env.signatures, [{ sig: 'c2ln' }]);
});

test('oversized envelopes and too many signatures are refused before work', () => {
  assert.equal(codeOf(good, 10), 'ENVELOPE_TOO_LARGE');
  const many = JSON.stringify({
    payloadType: 't',
    payload: '',
    signatures: Array(MAX_SIGNATURES + 1).fill({ sig: '' }),
  });
  assert.equal(codeOf(many), 'MALFORMED_ENVELOPE');
});
