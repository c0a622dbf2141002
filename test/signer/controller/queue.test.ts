import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from '../../../signer/controller/queue.ts';

const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('newest first: a backlog does not starve a run that completed later', async () => {
  const order: string[] = [];
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => { release = r; });
  const q = new WorkQueue(1, async (key) => {
    if (key === 'block') await gate;
    order.push(key);
    return {};
  });
  q.add('block', 0);
  for (let i = 1; i <= 50; i++) q.add(`old-${i}`, i);
  q.add('new', 10_000);
  release();
  await q.idle();
  assert.deepEqual(order.slice(0, 3), ['block', 'new', 'old-50']);
  assert.equal(order.length, 52);
});

test('dedup, one worker per key, bounded concurrency; a key added while in flight runs again after', async () => {
  let inFlight = 0;
  let peak = 0;
  const perKey = new Map<string, number>();
  const runs = new Map<string, number>();
  const q = new WorkQueue(3, async (key) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    perKey.set(key, (perKey.get(key) ?? 0) + 1);
    assert.equal(perKey.get(key), 1, 'never two workers on one key');
    await tick(10);
    perKey.set(key, (perKey.get(key) ?? 1) - 1);
    runs.set(key, (runs.get(key) ?? 0) + 1);
    inFlight--;
    return {};
  });
  // k0..k2 start at once (free workers): their repeats arrive in flight and run them once more;
  // k3..k9 wait in the queue, where the repeats are deduplicated.
  for (let i = 0; i < 10; i++) for (let j = 0; j < 5; j++) q.add(`k${i}`, i);
  await q.idle();
  await tick(30);
  await q.idle();
  assert.ok(peak <= 3);
  assert.equal(runs.get('k0'), 2);
  assert.equal(runs.get('k3'), 1);
  assert.equal(runs.get('k9'), 1);
});

test('requeueAfterMs backs off; adds during the wait do not shorten it; stop() drops everything', async () => {
  const seen: number[] = [];
  const q = new WorkQueue(2, async () => {
    seen.push(Date.now());
    return seen.length < 3 ? { requeueAfterMs: 60 } : {};
  });
  q.add('a', 1);
  await tick(10);
  q.add('a', 1); // ignored: backing off
  const end = Date.now() + 2000;
  while (seen.length < 3 && Date.now() < end) await tick(10);
  assert.equal(seen.length, 3);
  assert.ok((seen[1] as number) - (seen[0] as number) >= 55);
  q.add('b', 1);
  q.stop();
  q.add('c', 1);
  assert.equal(q.depth, 0);
});
