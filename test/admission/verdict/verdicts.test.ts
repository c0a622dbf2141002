// The verdict service against real (tiny) registries on 127.0.0.1: one that never answers, one
// that has nothing. Deadline, bounded cache and overload behave as docs/admission.md says.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { PolicyKeys } from '../../../admission/policy/keys.ts';
import { parseVerificationPolicy } from '../../../admission/policy/parse.ts';
import { Verdicts } from '../../../admission/verdict/verdicts.ts';
import { newSigner } from '../../signer/verify/chain-fixture.ts';

const pem = newSigner().publicKey.export({ type: 'spki', format: 'pem' }).toString();
const policy = parseVerificationPolicy({ metadata: { name: 'p', uid: 'u1', generation: 1 }, spec: { keys: [{ pem }] } }, 'tekton-provenance');
const sockets = new Set<Socket>();
let hanging: Server;
let empty: Server;
const hostOf = (s: Server) => `127.0.0.1:${(s.address() as AddressInfo).port}`;
const digest = (i: number) => `sha256:${i.toString(16).padStart(64, '0')}`;

before(async () => {
  hanging = createServer(() => undefined); // accepts, reads, never answers
  empty = createServer((req, res) => {
    req.resume();
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
  });
  for (const s of [hanging, empty]) {
    s.on('connection', (c) => sockets.add(c));
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  }
});
after(async () => {
  for (const c of sockets) c.destroy();
  await Promise.all([hanging, empty].map((s) => new Promise((r) => s.close(r))));
});

function verdicts(over: Partial<ConstructorParameters<typeof Verdicts>[0]> = {}): Verdicts {
  return new Verdicts({
    keys: new PolicyKeys({ secrets: undefined, kms: {} }),
    insecureRegistry: true,
    transport: { retries: 0, backoffMs: 10, timeoutMs: 5000, maxBytes: 1 << 20 },
    cacheTtlMs: 60_000, cacheMaxEntries: 10, concurrency: 4, maxQueued: 100,
    ...over,
  });
}

test('a registry that never answers is a VERIFICATION_TIMEOUT verdict at the deadline, not later', async () => {
  const v = verdicts();
  const started = Date.now();
  const { verdict } = await v.verdict({ canonical: `${hostOf(hanging)}/team/app`, digest: digest(1) }, policy, undefined, Date.now() + 400);
  const ms = Date.now() - started;
  assert.equal(verdict.ok, false);
  assert.equal(verdict.reason, 'VERIFICATION_TIMEOUT');
  assert.match(verdict.failures[0]!.message, /did not finish in time/);
  assert.ok(ms >= 390 && ms < 1500, `${ms} ms`);
});

test('a flood of distinct images keeps the cache at its bound; each definite verdict is reused', async () => {
  const v = verdicts();
  for (let i = 0; i < 50; i++) {
    const { verdict, source } = await v.verdict({ canonical: `${hostOf(empty)}/team/app`, digest: digest(i) }, policy, undefined, Date.now() + 5000);
    assert.equal(source, 'verified');
    assert.equal(verdict.reason, 'attestation', JSON.stringify(verdict));
  }
  assert.equal(v.cacheSize, 10);
  assert.equal(v.verifications, 50);
  const again = await v.verdict({ canonical: `${hostOf(empty)}/team/app`, digest: digest(49) }, policy, undefined, Date.now() + 5000);
  assert.equal(again.source, 'cache');
  const evicted = await v.verdict({ canonical: `${hostOf(empty)}/team/app`, digest: digest(0) }, policy, undefined, Date.now() + 5000);
  assert.equal(evicted.source, 'verified', 'the oldest entries went first');
});

test('a new policy generation is a new cache key', async () => {
  const v = verdicts();
  const image = { canonical: `${hostOf(empty)}/team/app`, digest: digest(7) };
  await v.verdict(image, policy, undefined, Date.now() + 5000);
  assert.equal((await v.verdict(image, policy, undefined, Date.now() + 5000)).source, 'cache');
  assert.equal((await v.verdict(image, { ...policy, generation: 2 }, undefined, Date.now() + 5000)).source, 'verified');
});

test('beyond concurrency + queue, a review is refused OVERLOADED at once', async () => {
  const v = verdicts({ concurrency: 1, maxQueued: 0 });
  const first = v.verdict({ canonical: `${hostOf(hanging)}/team/app`, digest: digest(100) }, policy, undefined, Date.now() + 600);
  const second = await v.verdict({ canonical: `${hostOf(hanging)}/team/app`, digest: digest(101) }, policy, undefined, Date.now() + 600);
  assert.equal(second.verdict.reason, 'OVERLOADED');
  assert.equal((await first).verdict.reason, 'VERIFICATION_TIMEOUT');
});
