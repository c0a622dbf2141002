import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertRfc3339Utc, isRfc3339Utc, toRfc3339Utc } from '../../../signer/intoto/timestamp.ts';

test('RFC 3339 UTC Z timestamps pass, with or without fraction', () => {
  for (const t of ['2024-01-02T03:04:05Z', '2024-02-29T23:59:59.123Z', '1999-12-31T00:00:00.123456789Z'])
    assert.ok(isRfc3339Utc(t), t);
});

test('offsets, lowercase, missing parts and impossible dates are refused', () => {
  for (const t of [
    '2024-01-02T03:04:05+00:00',
    '2024-01-02t03:04:05z',
    '2024-01-02 03:04:05Z',
    '2024-01-02T03:04Z',
    '2023-02-29T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-04-31T00:00:00Z',
    '2024-01-01T24:00:00Z',
    '2024-01-01T00:60:00Z',
    '2024-01-01T00:00:00.Z',
    1704164645,
    null,
  ]) {
    assert.equal(isRfc3339Utc(t), false, String(t));
  }
  assert.throws(() => assertRfc3339Utc('2024-01-02', 'metadata.buildStartedOn'), {
    code: 'BAD_TIMESTAMP',
    message: /buildStartedOn/,
  });
});

test('toRfc3339Utc emits Z times that the validator accepts', () => {
  assert.equal(toRfc3339Utc(Date.UTC(2024, 0, 2, 3, 4, 5)), '2024-01-02T03:04:05Z');
  assert.equal(toRfc3339Utc('2024-01-02T04:04:05.5+01:00'), '2024-01-02T03:04:05.500Z');
  assert.ok(isRfc3339Utc(toRfc3339Utc(new Date())));
  assert.throws(() => toRfc3339Utc('yesterday'), { code: 'BAD_TIMESTAMP' });
});
