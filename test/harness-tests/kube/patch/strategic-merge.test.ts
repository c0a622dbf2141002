import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyStrategicMergePatch } from '../../../harness/kube/patch/strategic-merge.ts';

test('maps merge, null deletes, ordinary lists replace', () => {
  const live = { metadata: { labels: { a: '1', b: '2' } }, spec: { args: ['x', 'y'] } };
  const out = applyStrategicMergePatch(live, {
    metadata: { labels: { b: null, c: '3' } },
    spec: { args: ['z'] },
  });
  assert.deepEqual(out, { metadata: { labels: { a: '1', c: '3' } }, spec: { args: ['z'] } });
});

test('metadata.finalizers merge as a set; $deleteFromPrimitiveList removes', () => {
  const live = { metadata: { finalizers: ['a', 'b'] } };
  assert.deepEqual(applyStrategicMergePatch(live, { metadata: { finalizers: ['b', 'c'] } }), {
    metadata: { finalizers: ['a', 'b', 'c'] },
  });
  assert.deepEqual(
    applyStrategicMergePatch(live, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }),
    { metadata: { finalizers: ['b'] } },
  );
});

test('$patch: replace replaces a map, $patch: delete removes it', () => {
  const live = { spec: { a: 1, b: 2 }, status: { x: 1 } };
  assert.deepEqual(applyStrategicMergePatch(live, { spec: { $patch: 'replace', c: 3 } }), {
    spec: { c: 3 },
    status: { x: 1 },
  });
  assert.deepEqual(applyStrategicMergePatch(live, { status: { $patch: 'delete' } }), {
    spec: { a: 1, b: 2 },
  });
});
