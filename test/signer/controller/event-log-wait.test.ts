// A run whose keyless event record is not logged yet waits for the entry (bounded), then is
// attested anyway; key-signed and already-logged records never wait.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SignedEventRecord } from '../../../signer/events/event-record.ts';
import type { LoggedEntry } from '../../../signer/transparency/entry.ts';
import { eventLogWaitMs, KEYLESS_EVENT_LOG_WAIT_MS } from '../../../signer/controller/event-log-wait.ts';

const storedAt = '2026-12-07T12:00:00.000Z';
const t0 = Date.parse(storedAt);
const base: SignedEventRecord = {
  eventId: 'e1', digest: `sha256:${'a'.repeat(64)}`, triggerId: 'namespaces/ci/triggers/push', keyid: '',
  envelope: { payloadType: 'application/vnd.in-toto+json', payload: '', signatures: [{ sig: 'x' }] }, storedAt,
};
const keyless = { ...base, certificates: ['-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n'] };

test('a keyless record without its log entry: requeue (at most 5 s) until the window closes, then attest', () => {
  const found = { state: 'found' as const, record: keyless };
  assert.equal(eventLogWaitMs(found, t0 + 1_000), 5_000);
  assert.equal(eventLogWaitMs(found, t0 + KEYLESS_EVENT_LOG_WAIT_MS - 1_000), 1_000);
  assert.equal(eventLogWaitMs(found, t0 + KEYLESS_EVENT_LOG_WAIT_MS), undefined, 'never held forever');
});

test('no wait: logged keyless, key-signed, absent, a mismatch (recorded as an error), or an unreadable storedAt', () => {
  assert.equal(eventLogWaitMs({ state: 'mismatch', reason: 'r', record: keyless }, t0), undefined);
  assert.equal(eventLogWaitMs({ state: 'found', record: { ...keyless, tlog: {} as LoggedEntry } }, t0), undefined);
  assert.equal(eventLogWaitMs({ state: 'found', record: base }, t0), undefined);
  assert.equal(eventLogWaitMs({ state: 'absent', reason: 'no label' }, t0), undefined);
  assert.equal(eventLogWaitMs({ state: 'found', record: { ...keyless, storedAt: 'not a time' } }, t0), undefined);
});
