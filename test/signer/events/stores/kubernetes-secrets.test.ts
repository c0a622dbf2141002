import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKubeApiServer, type KubeApiServer } from '../../../harness/kube/index.ts';
import { KubernetesSecretsEventStore } from '../../../../signer/events/stores/kubernetes-secrets.ts';
import { openEventStore } from '../../../../signer/events/stores/index.ts';
import { signEvent } from '../../../../signer/events/sign-event.ts';
import { validateEventStatement } from '../../../../signer/events/validate-statement.ts';
import { serializeRecord } from '../../../../signer/events/record-codec.ts';
import type { SignedEventRecord } from '../../../../signer/events/event-record.ts';
import { isProvenanceError } from '../../../../signer/errors.ts';
import { eventStatement, p256Signer, statementBytes } from '../event-fixture.ts';

const NS = 'tekton-provenance';
const signer = p256Signer();
let kube: KubeApiServer;

before(async () => {
  kube = await startKubeApiServer();
});
after(async () => {
  await kube.close();
});

async function signed(body: string, eventId?: string): Promise<SignedEventRecord> {
  const bytes = statementBytes(eventStatement(body, eventId ? { eventId } : {}));
  return signEvent(bytes, validateEventStatement(bytes), signer);
}

function store(): KubernetesSecretsEventStore {
  return KubernetesSecretsEventStore.create({ namespace: NS, kubeConfig: kube.kubeConfig() });
}

function secrets() {
  return kube.objects.list('v1', 'Secret', NS);
}

test('one labelled Secret per event; lookups by id and digest; repeat is idempotent; conflict refused', async () => {
  const s = store();
  await s.ping();
  const a = await signed('{"a":1}');
  const b = await signed('{"a":1}'); // same body, another delivery (event id)
  assert.deepEqual(await s.put(a), a);
  await s.put(b);
  const mine = secrets().filter((o) => o.metadata.labels?.['tekton-provenance.dev/event-id'] === a.eventId);
  assert.equal(mine.length, 1);
  assert.equal(mine[0]?.metadata.annotations?.['tekton-provenance.dev/event-digest'], a.digest);
  assert.equal((mine[0] as { type?: string }).type, 'tekton-provenance.dev/event-record');
  assert.deepEqual(await s.getByEventId(a.eventId), a);
  assert.equal(await s.getByEventId('no-such-event'), undefined);
  const byDigest = await s.getByDigest(a.digest);
  assert.deepEqual(new Set(byDigest.map((r) => r.eventId)), new Set([a.eventId, b.eventId]));
  assert.deepEqual(await s.put({ ...a, storedAt: '2030-01-01T00:00:00.000Z' }), a);
  const other = await signed('{"a":2}', a.eventId);
  await assert.rejects(s.put(other), (e) => isProvenanceError(e, 'EVENT_CONFLICT'));
  // Keyless: the certificate chain is part of the record JSON, so it reads back as put.
  const chain = ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'];
  const keyless = { ...(await signed('{"keyless":1}')), certificates: chain };
  await s.put(keyless);
  assert.equal(s.keepsCertificates, true);
  assert.deepEqual((await s.getByEventId(keyless.eventId))?.certificates, chain);
});

test('two replicas racing on one event id: exactly one digest wins, the other is a conflict', async () => {
  for (let round = 0; round < 5; round++) {
    const first = await signed(`{"race":${round}}`);
    const second = await signed(`{"race":"${round}b"}`, first.eventId);
    const results = await Promise.allSettled([store().put(first), store().put(second)]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r) => r.status === 'rejected');
    assert.equal(ok.length, 1);
    assert.ok(isProvenanceError((failed[0] as PromiseRejectedResult).reason, 'EVENT_CONFLICT'));
  }
});

test('a record over the 1 MiB Secret limit is split into chunk Secrets and reassembled', async () => {
  const s = store();
  const big = await signed(JSON.stringify({ blob: 'y'.repeat(3 * 1024 * 1024) }));
  await s.put(big);
  const parts = secrets().filter(
    (o) => o.metadata.labels?.['tekton-provenance.dev/event-id'] === big.eventId,
  );
  assert.ok(parts.length > 4, `split into ${parts.length} Secrets`);
  for (const p of parts) {
    const data = (p as { data?: Record<string, string> }).data ?? {};
    const bytes = Object.values(data).reduce((n, v) => n + Buffer.from(v, 'base64').length, 0);
    assert.ok(bytes <= 1024 * 1024, `Secret ${p.metadata.name} holds ${bytes} bytes`);
  }
  const back = await s.getByEventId(big.eventId);
  assert.equal(back && serializeRecord(back), serializeRecord(big));
  assert.deepEqual(await s.put(big), big, 'a retried put of a chunked record is idempotent');
});

test('API server failures are STORE_UNAVAILABLE and name no data', async () => {
  const s = store();
  const r = await signed('{"down":true}');
  kube.faults.failNext(1, { status: 503, method: 'POST' });
  await assert.rejects(s.put(r), (e) => {
    assert.ok(isProvenanceError(e, 'STORE_UNAVAILABLE'));
    assert.match((e as Error).message, /HTTP 503/);
    assert.ok(!(e as Error).message.includes(r.envelope.payload.slice(0, 40)));
    return true;
  });
  assert.equal(await s.getByEventId(r.eventId), undefined, 'nothing stored');
  kube.faults.failNext(1, { status: 500, method: 'GET' });
  await assert.rejects(s.ping(), (e) => isProvenanceError(e, 'STORE_UNAVAILABLE'));
});

test('the registry opens it by name with a namespace', async () => {
  const s = await openEventStore('kubernetes-secrets', {
    stateDir: '/nonexistent',
    namespace: NS,
    kubeConfig: kube.kubeConfig(),
  });
  const r = await signed('{"registry":1}');
  await s.put(r);
  assert.deepEqual(await s.getByEventId(r.eventId), r);
  await s.close();
});
