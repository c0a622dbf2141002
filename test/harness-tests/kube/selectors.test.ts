import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesRequirements, parseFieldSelector, parseLabelSelector } from '../../harness/kube/selectors.ts';

const labels = { app: 'web', tier: 'front', 'example.dev/owner': 'me' };

test('label selector grammar: equality, sets, existence, qualified keys, whitespace', () => {
  const cases: Array<[string, boolean]> = [
    ['app=web', true],
    ['app == web', true],
    ['app!=web', false],
    ['app in (web, api)', true],
    ['app notin (web)', false],
    ['missing notin (x)', true],
    ['example.dev/owner', true],
    ['!example.dev/owner', false],
    ['!missing', true],
    ['app=web,tier in (front),!missing', true],
    ['app=web,tier=back', false],
    ['', true],
  ];
  for (const [selector, want] of cases)
    assert.equal(matchesRequirements(labels, parseLabelSelector(selector)), want, selector);
  assert.equal(matchesRequirements(undefined, parseLabelSelector('app')), false);
});

test('malformed label selectors and unknown field selectors are errors', () => {
  assert.throws(() => parseLabelSelector('app in (a'), /unable to parse requirement/);
  assert.throws(() => parseLabelSelector('a b'), /unable to parse requirement/);
  assert.throws(() => parseFieldSelector('status.phase=Running'), /not a known field selector/);
  const byName = parseFieldSelector('metadata.name=x,metadata.namespace!=kube-system');
  assert.equal(byName({ metadata: { name: 'x', namespace: 'default' } }), true);
  assert.equal(byName({ metadata: { name: 'x', namespace: 'kube-system' } }), false);
});
