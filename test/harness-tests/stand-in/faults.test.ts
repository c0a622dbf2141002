// The fault script the KMS and Rekor stand-ins share: finite counts, first matching rule wins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultScript } from '../../harness/stand-in/faults.ts';

test('each rule is used `count` times, only by matching requests, in the order injected', () => {
  const faults = new FaultScript<'slow' | 'down', 'GET' | 'POST'>();
  faults.inject('down', 1, 'POST');
  faults.inject('slow', 2);
  assert.equal(faults.take('GET'), 'slow');
  assert.equal(faults.take('POST'), 'down');
  assert.equal(faults.take('POST'), 'slow');
  assert.equal(faults.take('GET'), undefined, 'every count used up');
});

test('clear drops the faults not yet used', () => {
  const faults = new FaultScript<'throttle'>();
  faults.inject('throttle', 5, 'Sign');
  assert.equal(faults.take('GetPublicKey'), undefined);
  faults.clear();
  assert.equal(faults.take('Sign'), undefined);
});
