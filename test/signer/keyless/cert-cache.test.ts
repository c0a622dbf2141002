import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { ProvenanceError } from '../../../signer/errors.ts';
import { LocalSigner } from '../../../signer/keys/local.ts';
import { CertCache } from '../../../signer/keyless/cert-cache.ts';
import type { CertifiedSigner } from '../../../signer/keyless/keyless-signer.ts';

const MIN = 60_000;

/** A Fulcio stand-in at the cache's seam: 10-minute certificates, failures on demand, a call count. */
function issuer(clock: { now: number }) {
  const state = { calls: 0, down: false, gate: undefined as Promise<void> | undefined };
  const issue = async (): Promise<CertifiedSigner> => {
    state.calls++;
    await state.gate;
    if (state.down) throw new ProvenanceError('FULCIO_UNREACHABLE', 'Fulcio is down (test)');
    const signer = new LocalSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    return { signer, certificates: [`cert-${state.calls}`], identity: 'sa', notAfter: new Date(clock.now + 10 * MIN) };
  };
  return { state, issue };
}

describe('certificate cache (keyless event signing)', () => {
  test('N signatures, concurrent or not, share one certificate; one request in flight', async () => {
    const clock = { now: Date.now() };
    const f = issuer(clock);
    const cache = new CertCache({ issue: f.issue, now: () => clock.now });
    const all = await Promise.all(Array.from({ length: 50 }, () => cache.current()));
    for (let i = 0; i < 50; i++) all.push(await cache.current());
    assert.equal(f.state.calls, 1);
    assert.equal(new Set(all).size, 1);
  });

  test('refreshed ahead of expiry in the background: the caller is not held up', async () => {
    const clock = { now: Date.now() };
    const f = issuer(clock);
    const cache = new CertCache({ issue: f.issue, now: () => clock.now });
    const first = await cache.current();
    clock.now += 9 * MIN; // 1 minute left: inside the 2-minute refresh window
    let open!: () => void;
    f.state.gate = new Promise((r) => (open = r));
    const during = await Promise.all([cache.current(), cache.current(), cache.current()]);
    assert.ok(during.every((c) => c === first), 'served from the cache while Fulcio answers');
    assert.equal(f.state.calls, 2, 'one refresh for all of them');
    open();
    await new Promise((r) => setImmediate(r));
    const next = await cache.current();
    assert.notEqual(next, first);
    assert.equal(f.state.calls, 2);
  });

  test('Fulcio down while a valid certificate is cached: still signs, at most one attempt per pause', async () => {
    const clock = { now: Date.now() };
    const f = issuer(clock);
    const errors: number[] = [];
    const cache = new CertCache({ issue: f.issue, now: () => clock.now, retryAfterMs: 5_000, onRefreshError: (_e, left) => errors.push(left) });
    const first = await cache.current();
    f.state.down = true;
    clock.now += 9 * MIN;
    for (let i = 0; i < 100; i++) assert.equal(await cache.current(), first);
    await new Promise((r) => setImmediate(r));
    assert.equal(f.state.calls, 2, '100 signatures in an outage: one refresh attempt');
    assert.equal(errors.length, 1);
    clock.now += 6_000;
    assert.equal(await cache.current(), first);
    assert.equal(f.state.calls, 3, 'next attempt after the pause');
  });

  test('expired (or under the floor) and Fulcio down: a coded error, repeated without a call until the pause ends; then refresh', async () => {
    const clock = { now: Date.now() };
    const f = issuer(clock);
    const cache = new CertCache({ issue: f.issue, now: () => clock.now, retryAfterMs: 5_000, minValidityMs: 30_000 });
    const first = await cache.current();
    f.state.down = true;
    clock.now += 10 * MIN - 20_000; // 20 s left: under the 30 s floor
    await assert.rejects(cache.current(), { code: 'FULCIO_UNREACHABLE' });
    await assert.rejects(cache.current(), { code: 'FULCIO_UNREACHABLE' });
    assert.equal(f.state.calls, 2, 'the second caller got the same failure without a call');
    f.state.down = false;
    clock.now += 6_000;
    const next = await cache.current();
    assert.notEqual(next, first);
    assert.equal(f.state.calls, 3);
  });
});
