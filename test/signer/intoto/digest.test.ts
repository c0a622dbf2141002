import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DIGEST_HEX_LENGTHS, validateDigestSet } from '../../../signer/intoto/digest.ts';

test('real digests of each node:crypto algorithm have the tabled length', () => {
  const node: Record<string, string> = {
    md5: 'md5',
    sha1: 'sha1',
    sha224: 'sha224',
    sha256: 'sha256',
    sha384: 'sha384',
    sha512: 'sha512',
    sha3_256: 'sha3-256',
    sha3_512: 'sha3-512',
    sha512_256: 'sha512-256',
  };
  for (const [alg, nodeName] of Object.entries(node)) {
    const hex = createHash(nodeName).update('x').digest('hex');
    assert.equal(hex.length, DIGEST_HEX_LENGTHS[alg], alg);
    assert.deepEqual(validateDigestSet({ [alg]: hex }, 'd'), { [alg]: hex });
  }
});

test('wrong lengths, uppercase, non-hex and non-string values are BAD_DIGEST', () => {
  const bad: unknown[] = [
    { sha256: 'a'.repeat(65) },
    { sha512: 'a'.repeat(64) },
    { sha1: 'A'.repeat(40) },
    { sha384: 'g'.repeat(96) },
    { sha256: 1 },
    { sha256: '' },
    { 'bad alg': 'aa' },
    { custom: 'abc' },
    null,
    [],
    {},
  ];
  for (const d of bad)
    assert.throws(() => validateDigestSet(d, 'd'), { code: 'BAD_DIGEST' }, JSON.stringify(d));
});

test('git ids accept sha1 and sha256 lengths; custom algorithms need even-length lowercase hex', () => {
  validateDigestSet({ gitCommit: 'a'.repeat(40) }, 'd');
  validateDigestSet({ gitCommit: 'a'.repeat(64) }, 'd');
  validateDigestSet({ myhash: 'ab12' }, 'd');
  assert.throws(() => validateDigestSet({ gitCommit: 'a'.repeat(50) }, 'd'), { code: 'BAD_DIGEST' });
  // Prototype names are not table entries: treated as custom algorithms, not crashes.
  validateDigestSet({ toString: 'ab' }, 'd');
  assert.throws(() => validateDigestSet({ constructor: 'abc' }, 'd'), { code: 'BAD_DIGEST', message: /odd/ });
});
