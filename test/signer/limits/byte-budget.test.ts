import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteBudget } from '../../../signer/limits/byte-budget.ts';

const settled = async <T>(p: Promise<T>) => {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
};

test('admits while the bytes fit, queues the rest in arrival order, admits them as bytes are released', async () => {
  const budget = new ByteBudget(100);
  const a = await budget.acquire(60);
  const b = await budget.acquire(40);
  assert.equal(budget.inUse, 100);
  const c = budget.acquire(30);
  const d = budget.acquire(1); // fits on its own, but waits behind c: first come first served
  assert.equal(await settled(c), false);
  assert.equal(await settled(d), false);
  a();
  assert.equal(await settled(c), true);
  assert.equal(await settled(d), true);
  assert.equal(budget.inUse, 71);
  b();
  (await c)();
  (await d)();
  assert.equal(budget.inUse, 0);
});

test('a request bigger than the limit is admitted alone, once nothing else is in flight', async () => {
  const budget = new ByteBudget(100);
  const small = await budget.acquire(10);
  const big = budget.acquire(500);
  assert.equal(await settled(big), false);
  small();
  const releaseBig = await big;
  assert.equal(budget.inUse, 500);
  const after = budget.acquire(1);
  assert.equal(await settled(after), false, 'nothing joins an over-limit request');
  releaseBig();
  (await after)();
  assert.equal(budget.inUse, 0);
});

test('releasing twice releases once', async () => {
  const budget = new ByteBudget(100);
  const r = await budget.acquire(50);
  r();
  r();
  assert.equal(budget.inUse, 0);
});

test('a waiter whose deadline passes is refused DEADLINE_EXCEEDED and leaves the queue; the next one is admitted', async () => {
  const budget = new ByteBudget(100);
  const a = await budget.acquire(100);
  const late = budget.acquire(50, { deadline: Date.now() + 20 });
  const next = budget.acquire(10);
  await assert.rejects(late, { code: 'DEADLINE_EXCEEDED' });
  assert.equal(budget.queued, 10);
  a();
  (await next)();
  assert.equal(budget.inUse, 0);
  await assert.rejects(budget.acquire(1, { deadline: Date.now() - 1 }), { code: 'DEADLINE_EXCEEDED' });
});

test('a queue over maxQueuedBytes refuses at once with BUSY; a request that fits is still admitted', async () => {
  const budget = new ByteBudget(100, { maxQueuedBytes: 150 });
  const a = await budget.acquire(100);
  const w1 = budget.acquire(100);
  await assert.rejects(budget.acquire(60), { code: 'BUSY' });
  a();
  (await w1)();
  (await budget.acquire(60))();
  assert.deepEqual([budget.inUse, budget.queued], [0, 0]);
});
