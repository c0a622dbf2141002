import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildStatementV01, buildStatementV1, statementPayload } from '../../../signer/intoto/build.ts';
import { parseStatement } from '../../../signer/intoto/validate.ts';

const subjects = [{ name: 'ghcr.io/acme/app', digest: { sha256: 'b'.repeat(64) } }];

test('v1 and v0.1 builders set the exact _type and a fixed field order', () => {
  const v1 = buildStatementV1({
    subjects,
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: { a: 1 },
  });
  assert.equal(v1._type, 'https://in-toto.io/Statement/v1');
  assert.deepEqual(Object.keys(v1), ['_type', 'subject', 'predicateType', 'predicate']);
  const v01 = buildStatementV01({
    subjects,
    predicateType: 'https://slsa.dev/provenance/v0.2',
    predicate: {},
  });
  assert.equal(v01._type, 'https://in-toto.io/Statement/v0.1');
});

test('builders copy subjects and refuse what validation refuses', () => {
  const input = [{ name: 'x', digest: { sha256: 'c'.repeat(64) } }];
  const stmt = buildStatementV1({ subjects: input, predicateType: 'https://p', predicate: {} });
  input[0]!.digest.sha256 = 'changed';
  assert.equal(stmt.subject[0]!.digest.sha256, 'c'.repeat(64));
  assert.throws(() => buildStatementV1({ subjects: [], predicateType: 'https://p', predicate: {} }), {
    code: 'NO_SUBJECTS',
  });
  assert.throws(
    () =>
      buildStatementV1({
        subjects: [{ name: 'x', digest: { sha256: 'C'.repeat(64) } }],
        predicateType: 'https://p',
        predicate: {},
      }),
    {
      code: 'BAD_DIGEST',
    },
  );
  const extra = [{ name: 'x', digest: { sha256: 'c'.repeat(64) }, uri: 'u' }];
  assert.equal(
    buildStatementV1({ subjects: extra, predicateType: 'https://p', predicate: {} }).subject[0]!.name,
    'x',
    'extra input fields are dropped',
  );
  assert.throws(() => buildStatementV1({ subjects, predicateType: 'https://p', predicate: undefined }), {
    code: 'BAD_PREDICATE',
  });
});

test('statementPayload gives in-toto bytes that parse back to the same statement', () => {
  const stmt = buildStatementV1({ subjects, predicateType: 'https://p', predicate: { k: 'v' } });
  const { payloadType, payload } = statementPayload(stmt);
  assert.equal(payloadType, 'application/vnd.in-toto+json');
  assert.deepEqual(parseStatement(payload), stmt);
});
