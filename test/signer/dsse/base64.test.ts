import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBase64, encodeBase64 } from '../../../signer/dsse/base64.ts';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
};

test('standard padded base64 decodes; we emit it', () => {
  assert.equal(decodeBase64('aGVsbG8gd29ybGQ=', 'p').toString(), 'hello world');
  assert.equal(encodeBase64(Buffer.from([0xfb, 0xff, 0xbf])), '+/+/');
  assert.equal(decodeBase64('', 'p').length, 0);
});

test('the URL-safe alphabet is accepted, as DSSE requires of verifiers', () => {
  assert.deepEqual(decodeBase64('-_-_Pj8=', 'p'), Buffer.from([0xfb, 0xff, 0xbf, 0x3e, 0x3f]));
});

test('missing padding, whitespace, mixed alphabets and junk are MALFORMED_BASE64', () => {
  for (const bad of ['aGVsbG8gd29ybGQ', 'aGVs bG8=', 'aGVs\nbG8=', '+_==', 'a===', '!!!!', 'aGVsbG8=aGVs']) {
    assert.equal(
      code(() => decodeBase64(bad, 'p')),
      'MALFORMED_BASE64',
      bad,
    );
  }
});

test('non-canonical trailing bits are refused, so no text edit decodes to the same bytes', () => {
  assert.equal(
    code(() => decodeBase64('aGVsbG8gd29ybGR=', 'p')),
    'MALFORMED_BASE64',
  );
  assert.equal(
    code(() => decodeBase64('QR==', 'p')),
    'MALFORMED_BASE64',
  );
  assert.equal(decodeBase64('QQ==', 'p').toString(), 'A');
});

test('the error names the field', () => {
  assert.throws(() => decodeBase64('%', 'signatures[3].sig'), /signatures\[3\]\.sig/);
});
