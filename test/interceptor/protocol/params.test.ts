import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseParams } from '../../../interceptor/protocol/params.ts';
import { triggerNamespace } from '../../../interceptor/protocol/request.ts';

const ref = { secretName: 'github-webhook', secretKey: 'secret' };

test('defaults: failurePolicy Fail, allowSha1 false; string booleans accepted', () => {
  assert.deepEqual(parseParams({ provider: 'github', secretRef: ref }), {
    provider: 'github',
    failurePolicy: 'Fail',
    allowSha1: false,
    secretRef: ref,
  });
  assert.equal(parseParams({ provider: 'bitbucket', secretRef: ref, allowSha1: 'true' }).allowSha1, true);
  assert.deepEqual(parseParams({ provider: 'none', checkedBy: 'github' }).checkedBy, 'github');
});

test('every invalid param is INVALID_PARAMS naming it', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{}, /"provider" must be one of/],
    [{ provider: 'github' }, /needs param "secretRef"/],
    [{ provider: 'github', secretRef: 'x' }, /"secretRef" must be an object/],
    [{ provider: 'github', secretRef: { secretName: '../etc', secretKey: 'k' } }, /secretRef.secretName/],
    [{ provider: 'github', secretRef: { secretName: 'a', secretKey: 'k/../x' } }, /secretRef.secretKey/],
    [{ provider: 'github', secretRef: ref, eventTypes: [] }, /"eventTypes" must be a non-empty array/],
    [{ provider: 'github', secretRef: ref, allowSha1: 'yes' }, /"allowSha1" must be true or false/],
    [{ provider: 'github', secretRef: ref, secretref: ref }, /unknown param "secretref"/],
  ];
  for (const [params, message] of cases) assert.throws(() => parseParams(params), { code: 'INVALID_PARAMS', message });
});

test('the trigger namespace comes from context.trigger_id', () => {
  assert.equal(triggerNamespace('namespaces/ci/triggers/on-push'), 'ci');
  assert.equal(triggerNamespace('namespaces/ci/clustertriggers/x'), 'ci');
  assert.equal(triggerNamespace('ci/on-push'), undefined);
  assert.equal(triggerNamespace('namespaces/../triggers/x'), undefined);
});
