import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  changedPaths,
  fromFieldsV1,
  leafPaths,
  toFieldsV1,
} from '../../../harness/kube/patch/field-paths.ts';

const key = fc.stringMatching(/^[a-z][a-zA-Z0-9./-]{0,8}$/);
const leaf = fc.oneof(
  fc.string({ maxLength: 5 }),
  fc.integer(),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
);
const tree = fc.letrec((tie) => ({
  node: fc.dictionary(key, fc.oneof({ depthSize: 'small' }, leaf, tie('node')), { minKeys: 1, maxKeys: 4 }),
})).node;

const sorted = (paths: string[][]) => paths.map((p) => JSON.stringify(p)).sort();

test('FieldsV1 encoding round-trips every leaf path set', () => {
  fc.assert(
    fc.property(fc.record({ spec: tree }), (obj) => {
      const paths = leafPaths(obj);
      assert.deepEqual(sorted(fromFieldsV1(toFieldsV1(paths))), sorted(paths));
    }),
    { numRuns: 200 },
  );
});

test('server-owned metadata and type fields are never tracked', () => {
  const obj = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', uid: 'u', resourceVersion: '1', labels: { a: 'b' } },
    data: { k: 'v' },
  };
  assert.deepEqual(
    sorted(leafPaths(obj)),
    sorted([
      ['metadata', 'labels', 'a'],
      ['data', 'k'],
    ]),
  );
  assert.deepEqual(toFieldsV1(leafPaths(obj)), {
    'f:metadata': { 'f:labels': { 'f:a': {} } },
    'f:data': { 'f:k': {} },
  });
});

test('changedPaths finds added, changed and removed leaves, and nothing for equal objects', () => {
  fc.assert(
    fc.property(tree, (t) => assert.deepEqual(changedPaths(t, structuredClone(t)), [])),
    { numRuns: 100 },
  );
  const changed = changedPaths({ spec: { a: 1, b: [1], c: 'x' } }, { spec: { a: 2, b: [1], d: true } });
  assert.deepEqual(
    sorted(changed),
    sorted([
      ['spec', 'a'],
      ['spec', 'c'],
      ['spec', 'd'],
    ]),
  );
});
