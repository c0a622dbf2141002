import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AttestationController } from '../../../signer/controller/controller.ts';
import { drive } from './drive.ts';
import { assertAttestedOnce, buildInput, waitFinal } from './runs.ts';
import { pushSubjectImage, startController, startWorld, testConfig, writeConfig, type World } from './setup.ts';

let w: World;
before(async () => { w = await startWorld(); });
after(async () => { await w.close(); });

const signedBy = async (c: AttestationController): Promise<number> =>
  (await c.metrics.attestations.get()).values.find((v) => v.labels.result === 'signed')?.value ?? 0;

async function until(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

test('two replicas at once: one Lease holder, every run attested exactly once; the standby takes over', async () => {
  const data = testConfig(w);
  await writeConfig(w, data);
  const a = await startController(w, data, { identity: 'replica-a' });
  const b = await startController(w, data, { identity: 'replica-b' });
  try {
    assert.ok(await until(() => a.leading || b.leading, 5000), 'one replica leads');
    assert.ok(!(a.leading && b.leading), 'never both');
    const digest = await pushSubjectImage(w, 'demo/replicas', 'v1');
    const names = ['rep-1', 'rep-2', 'rep-3', 'rep-4'];
    await Promise.all(names.map((n) => drive(w.kc, buildInput(w, n, 'demo/replicas', digest))));
    for (const n of names) await assertAttestedOnce(w, await waitFinal(w, n), 'demo/replicas', digest);
    assert.equal((await signedBy(a)) + (await signedBy(b)), names.length, 'each run signed by exactly one replica');

    // The leader goes away (clean shutdown releases the Lease): the standby takes over.
    const [leader, standby] = a.leading ? [a, b] : [b, a];
    await leader.stop();
    assert.ok(await until(() => standby.leading, 8000), 'the standby leads');
    await drive(w.kc, buildInput(w, 'rep-5', 'demo/replicas', digest));
    await assertAttestedOnce(w, await waitFinal(w, 'rep-5'), 'demo/replicas', digest);
  } finally {
    await Promise.allSettled([a.stop(), b.stop()]);
  }
});

test('the API refuses the first lists when a replica starts leading: it relists with backoff and attests', async () => {
  const data = testConfig(w);
  await writeConfig(w, data);
  const fault = w.kube.faults.failNext(3, { status: 503, method: 'GET', path: /\/pipelineruns\?/ });
  const c = await startController(w, data, { identity: 'replica-late' });
  try {
    assert.ok(await until(() => c.leading && fault.hits >= 3, 8000), 'leading, and the list failures were hit');
    const digest = await pushSubjectImage(w, 'demo/relist', 'v1');
    await drive(w.kc, buildInput(w, 'relist-1', 'demo/relist', digest));
    await assertAttestedOnce(w, await waitFinal(w, 'relist-1'), 'demo/relist', digest);
  } finally {
    fault.clear();
    await c.stop();
  }
});
