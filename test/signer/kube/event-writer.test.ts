// The Kubernetes Event writer shared by the signer's refusals and the admission webhook's
// verdicts, against the Kubernetes API test server: the Event as written, the bound on
// writes in flight, and a refused write that is only logged.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startKubeApiServer, type KubeApiServer } from '../../harness/kube/index.ts';
import { KubeEventWriter, MAX_PENDING_EVENTS, type KubeEvent } from '../../../signer/kube/event-writer.ts';
import { memoryLogger } from '../../admission/support/memory-logger.ts';

interface CoreEvent {
  metadata: { name: string; namespace: string };
  involvedObject: { apiVersion: string; kind: string; name: string; namespace: string };
  type: string;
  reason: string;
  message: string;
  source: { component: string };
  reportingComponent: string;
  count: number;
}

let kube: KubeApiServer;
before(async () => {
  kube = await startKubeApiServer({ seed: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ci' } }] });
});
after(async () => {
  await kube.close();
});

const event = (name: string, message = 'denied'): KubeEvent => ({
  namespace: 'ci',
  involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name },
  namePrefix: name,
  type: 'Warning',
  reason: 'ImageNotVerified',
  message,
});

test('an Event is written as client-go writes it: named after the object, clipped message, our component', async () => {
  const writer = new KubeEventWriter(kube.kubeConfig(), memoryLogger(), 'tekton-provenance-test');
  writer.write(event('web', 'x'.repeat(5000)), {});
  await writer.flush();
  const found = (kube.objects.list('v1', 'Event', 'ci') as unknown as CoreEvent[]).find((e) => e.involvedObject.name === 'web');
  assert.ok(found);
  assert.match(found.metadata.name, /^web\.[0-9a-f]{16}$/);
  assert.deepEqual(found.involvedObject, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'ci' });
  assert.equal(found.message.length, 1024);
  assert.equal(found.reason, 'ImageNotVerified');
  assert.equal(found.source.component, 'tekton-provenance-test');
  assert.equal(found.reportingComponent, 'tekton-provenance-test');
});

test(`past ${MAX_PENDING_EVENTS} writes in flight, new Events are dropped and logged, not queued; flush waits for the rest`, async () => {
  const logger = memoryLogger();
  const writer = new KubeEventWriter(kube.kubeConfig(), logger, 'tekton-provenance-test');
  const slow = kube.faults.latency(300, { method: 'POST', path: /\/events/ });
  try {
    for (let i = 0; i < MAX_PENDING_EVENTS + 5; i++) writer.write(event(`burst-${i}`), { name: `burst-${i}` });
    const dropped = logger.lines.filter((l) => l.includes('too many pending'));
    assert.equal(dropped.length, 5);
    assert.match(dropped[0]!, /"reason":"ImageNotVerified".*"name":"burst-64"/);
    await writer.flush();
  } finally {
    slow.clear();
  }
  const burst = (kube.objects.list('v1', 'Event', 'ci') as unknown as CoreEvent[]).filter((e) => e.involvedObject.name.startsWith('burst-'));
  assert.equal(burst.length, MAX_PENDING_EVENTS);
  writer.write(event('after-burst'), {});
  await writer.flush();
  assert.equal(logger.lines.filter((l) => l.includes('too many pending')).length, 5, 'room again once the writes finished');
});

test('a refused write is logged (never thrown to the caller)', async () => {
  const logger = memoryLogger();
  const writer = new KubeEventWriter(kube.kubeConfig(), logger, 'tekton-provenance-test');
  kube.faults.failNext(1, { status: 403, method: 'POST', path: /\/events/ });
  writer.write(event('refused'), {});
  await writer.flush();
  assert.ok(logger.lines.some((l) => l.includes('kubernetes event not recorded') && l.includes('ImageNotVerified')), logger.lines.join(''));
});
