import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseStatement, validateStatement } from '../../../signer/intoto/validate.ts';
import { STATEMENT_V01, STATEMENT_V1 } from '../../../signer/intoto/statement.ts';

const sha256 = 'a'.repeat(64);
const good = () => ({
  _type: STATEMENT_V1,
  subject: [{ name: 'registry.example/app', digest: { sha256 } }],
  predicateType: 'https://slsa.dev/provenance/v1',
  predicate: { buildDefinition: {} },
});
const codeOf = (value: unknown, rules = {}): string | undefined => {
  try {
    validateStatement(value, rules);
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
};

test('a strict v1 and v0.1 statement validate', () => {
  assert.deepEqual(validateStatement(good()), good());
  assert.equal(validateStatement({ ...good(), _type: STATEMENT_V01 })._type, STATEMENT_V01);
  assert.equal(
    parseStatement(JSON.stringify(good()), { predicateType: 'https://slsa.dev/provenance/v1' }).subject
      .length,
    1,
  );
});

test('each rule has its own error code', () => {
  const s = good;
  const cases: [unknown, string, object?][] = [
    [[], 'NOT_AN_OBJECT'],
    [{ ...s(), _type: 'https://in-toto.io/Statement/v0.2' }, 'BAD_STATEMENT_TYPE'],
    [{ ...s(), _type: 'https://in-toto.io/statement/v1' }, 'BAD_STATEMENT_TYPE'],
    [{ ...s(), _type: STATEMENT_V01 }, 'BAD_STATEMENT_TYPE', { types: [STATEMENT_V1] }],
    [{ ...s(), extra: 1 }, 'UNEXPECTED_FIELD'],
    [{ ...s(), subject: [{ name: 'a', digest: { sha256 }, uri: 'x' }] }, 'UNEXPECTED_FIELD'],
    [{ _type: STATEMENT_V1, subject: [], predicateType: 'https://x' }, 'NO_SUBJECTS'],
    [{ _type: STATEMENT_V1, predicateType: 'https://x' }, 'MISSING_FIELD'],
    [{ ...s(), subject: [{ name: 'a' }] }, 'MISSING_FIELD'],
    [{ ...s(), subject: [{ name: '', digest: { sha256 } }] }, 'BAD_SUBJECT'],
    [{ ...s(), subject: ['a'] }, 'BAD_SUBJECT'],
    [{ ...s(), subject: {} }, 'BAD_SUBJECT'],
    [{ ...s(), subject: [{ name: 'a', digest: {} }] }, 'BAD_DIGEST'],
    [{ ...s(), subject: [{ name: 'a', digest: { sha256: 'A'.repeat(64) } }] }, 'BAD_DIGEST'],
    [{ ...s(), subject: [{ name: 'a', digest: { sha256: 'a'.repeat(63) } }] }, 'BAD_DIGEST'],
    [{ ...s(), predicateType: '' }, 'BAD_PREDICATE_TYPE'],
    [{ ...s(), predicateType: 'not a uri' }, 'BAD_PREDICATE_TYPE'],
    [s(), 'BAD_PREDICATE_TYPE', { predicateType: 'https://slsa.dev/provenance/v0.2' }],
    [{ ...s(), predicate: [1] }, 'BAD_PREDICATE'],
    [{ ...s(), predicate: 'x' }, 'BAD_PREDICATE'],
  ];
  for (const [value, code, rules] of cases) assert.equal(codeOf(value, rules), code, JSON.stringify(value));
});

test('errors name the offending place', () => {
  assert.throws(
    () =>
      validateStatement({ ...good(), subject: [good().subject[0], { name: 'b', digest: { sha1: 'xyz' } }] }),
    {
      code: 'BAD_DIGEST',
      message: /subject\[1\]\.digest\.sha1/,
    },
  );
  assert.throws(() => validateStatement({ ...good(), foo: 1, bar: 2 }), { message: /foo, bar/ });
});

test('invalid JSON is NOT_JSON', () => {
  assert.throws(() => parseStatement('{"_type":'), { code: 'NOT_JSON' });
});

test('a statement without predicate is accepted when parsed (the spec makes it optional)', () => {
  const { predicate: _p, ...rest } = good();
  assert.equal(codeOf(rest), undefined);
});

test('real statements: the TEP-0084 fixture and our golden format outputs pass the strict rules', () => {
  const root = new URL('../../../', import.meta.url);
  const files = [
    'test/harness/fixtures/tep-0084-attestation.json',
    'test/fixtures/golden/chains-pipeline.in-toto.json',
    'test/fixtures/golden/chains-pipeline.slsa-v2alpha4.json',
  ];
  for (const f of files) {
    const text = readFileSync(new URL(f, root), 'utf8');
    assert.ok(parseStatement(text).subject.length > 0, f);
  }
});

test('an empty subject list is accepted only when allowed (runs without artifacts)', () => {
  const empty = { ...good(), subject: [] };
  assert.equal(codeOf(empty), 'NO_SUBJECTS');
  assert.deepEqual(validateStatement(empty, { allowNoSubjects: true }).subject, []);
});
