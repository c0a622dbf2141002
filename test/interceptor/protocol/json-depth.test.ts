import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { exceedsJsonDepth } from '../../../interceptor/protocol/json-depth.ts';

/** Reference: nesting depth of a parsed JSON value. */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value !== null && typeof value === 'object') return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

test('agrees with the depth of the parsed value for any JSON text (strings with brackets, quotes, backslashes)', () => {
  const strings = fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', 'a', ' ', '\u2028', 'é') });
  const json = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, strings, fc.integer(), fc.constant(null), tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 4 }),
    object: fc.dictionary(strings, tie('value'), { maxKeys: 4 }),
  })).value;
  fc.assert(
    fc.property(json, fc.integer({ min: 0, max: 8 }), fc.boolean(), (value, limit, pretty) => {
      const text = JSON.stringify(value, null, pretty ? 2 : undefined);
      assert.equal(exceedsJsonDepth(text, limit), depthOf(value) > limit);
    }),
    { numRuns: 500 },
  );
});

test('escaped quotes and backslash runs inside strings', () => {
  assert.equal(exceedsJsonDepth('{"a":"\\\\"}', 1), false);
  assert.equal(exceedsJsonDepth('{"a":"\\"[[["}', 1), false);
  assert.equal(exceedsJsonDepth('{"a":"\\\\\\"[[["}', 1), false);
  assert.equal(exceedsJsonDepth('[[[', 2), true);
  assert.equal(exceedsJsonDepth('"unterminated [[[', 0), false);
});
