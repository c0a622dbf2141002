import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkStrictJson } from '../../../signer/limits/strict-json.ts';

const LIMITS = { maxDepth: 64, maxMembers: 1000 };
const accepts = (t: string) => checkStrictJson(t, LIMITS) === undefined;
const parses = (t: string) => {
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
};

test('accepts exactly what JSON.parse accepts (no duplicates, shallow, well-formed): generated JSON and mutations of it', () => {
  fc.assert(
    fc.property(fc.json({ depthSize: 'small' }), (t) => {
      assert.equal(accepts(t), true, t);
    }),
    { numRuns: 2000 },
  );
  const alphabet = fc.constantFrom(...'{}[]",:\\ \t\n0123456789-+.eEtrufalsn\u0001ux'.split(''));
  fc.assert(
    fc.property(fc.json({ depthSize: 'small' }), fc.array(fc.tuple(fc.nat(), alphabet), { maxLength: 3 }), (t, edits) => {
      let m = t;
      for (const [at, ch] of edits) {
        const k = at % (m.length + 1);
        m = m.slice(0, k) + ch + m.slice(k);
      }
      const ok = parses(m);
      const p = checkStrictJson(m, LIMITS);
      if (ok) assert.ok(p === undefined || p.kind === 'duplicate-key', `${JSON.stringify(m)}: ${JSON.stringify(p)}`);
      else assert.notEqual(p, undefined, JSON.stringify(m));
    }),
    { numRuns: 5000 },
  );
  for (const bad of ['', ' ', '01', '1.', '.5', '-', '+1', '"\\x"', '"\\u12"', '[1,]', '{"a":1,}', '{"a"}', 'tru', 'nul', '\ufeff1', '"a\nb"', '1 2', '[', '{']) {
    assert.equal(accepts(bad), false, bad);
    assert.equal(parses(bad), false, bad);
  }
  for (const good of ['0', '-0.5e+3', ' "x" ', '[]', '{}', '[[],{}]', '{"a":{"a":1}}', '"\\ud83d\\ude00"', '"é"']) assert.equal(accepts(good), true, good);
});

test('escaped strings: refused exactly when JSON.parse refuses them or they decode to a lone surrogate', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 12 }), fc.boolean(), (s, asKey) => {
      const literal = JSON.stringify(s); // escapes lone surrogates and control characters
      const text = asKey ? `{${literal}:1}` : `[${literal}]`;
      assert.equal(checkStrictJson(text, LIMITS) === undefined, s.isWellFormed(), text);
    }),
    { numRuns: 3000 },
  );
  const escapes = fc.constantFrom('\\n', '\\"', '\\\\', '\\/', '\\u0041', '\\ud83d\\ude00', '\\ud83d', '\\ude00', '\\x', '\\u12g4', 'a', '\u00e9', '\\');
  fc.assert(
    fc.property(fc.array(escapes, { maxLength: 6 }), (parts) => {
      const text = `"${parts.join('')}"`;
      let expected: boolean;
      try {
        expected = (JSON.parse(text) as string).isWellFormed();
      } catch {
        expected = false;
      }
      assert.equal(checkStrictJson(text, LIMITS) === undefined, expected, text);
    }),
    { numRuns: 3000 },
  );
});

test('refuses duplicate member names, also when one is written with escapes', () => {
  assert.deepEqual(checkStrictJson('{"a":1,"b":2,"a":3}', LIMITS), { kind: 'duplicate-key', at: 13, key: 'a' });
  assert.equal(checkStrictJson('{"body":"x","b\\u006fdy":"y"}', LIMITS)?.kind, 'duplicate-key');
  assert.equal(checkStrictJson('[{"a":1},{"a":1}]', LIMITS), undefined, 'same name in sibling objects is fine');
  assert.equal(checkStrictJson('{"a":{"a":1}}', LIMITS), undefined, 'same name at another level is fine');
});

test('depth, member count and lone surrogates', () => {
  assert.equal(checkStrictJson(`${'['.repeat(64)}${']'.repeat(64)}`, LIMITS), undefined);
  assert.equal(checkStrictJson(`${'['.repeat(65)}${']'.repeat(65)}`, LIMITS)?.kind, 'depth');
  assert.equal(checkStrictJson(`${'['.repeat(100_000)}`, LIMITS)?.kind, 'depth', 'stops at the limit, no recursion');
  const wide = `{${Array.from({ length: 1001 }, (_, k) => `"k${k}":0`).join(',')}}`;
  assert.equal(checkStrictJson(wide, LIMITS)?.kind, 'too-many-members');
  assert.equal(checkStrictJson('"\\ud800"', LIMITS)?.kind, 'lone-surrogate');
  assert.equal(checkStrictJson('{"\\udc00":1}', LIMITS)?.kind, 'lone-surrogate');
  assert.equal(checkStrictJson('"\\ud800"', { ...LIMITS, checkStrings: false }), undefined);
});

test('a 25 MiB body of tiny values is checked in bounded memory and time', () => {
  const text = `[${Array.from({ length: 4 * 1024 * 1024 }, () => '{}').join(',')}]`;
  const before = process.memoryUsage().heapUsed;
  const started = performance.now();
  assert.equal(checkStrictJson(text, LIMITS), undefined);
  const ms = performance.now() - started;
  assert.ok(process.memoryUsage().heapUsed - before < 16 * 1024 * 1024, 'no object graph is built');
  console.log(`strict JSON check of ${(text.length / 1048576).toFixed(1)} MiB of {}: ${ms.toFixed(0)} ms`);
});

test('a 25 MiB body of many small strings and escapes is checked in linear time', () => {
  const item = JSON.stringify({ id: 'abc', message: 'fix: "quoted" déjà vu\n', n: 1, ok: true });
  const text = `[${Array.from({ length: Math.floor((25 * 1024 * 1024) / (item.length + 1)) }, () => item).join(',')}]`;
  const started = performance.now();
  assert.equal(checkStrictJson(text, LIMITS), undefined);
  const ms = performance.now() - started;
  const parseStarted = performance.now();
  JSON.parse(text);
  const parseMs = performance.now() - parseStarted;
  console.log(`strict JSON check of ${(text.length / 1048576).toFixed(1)} MiB of small objects: ${ms.toFixed(0)} ms (JSON.parse: ${parseMs.toFixed(0)} ms)`);
  assert.ok(ms < 20 * parseMs + 5_000, 'linear, within a small factor of JSON.parse');
});
