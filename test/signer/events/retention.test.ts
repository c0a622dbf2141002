import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { startKubeApiServer, type KubeApiServer } from '../../harness/kube/index.ts';
import { startPostgres, type TestPostgres } from '../../harness/postgres/index.ts';
import type { EventStore } from '../../../signer/events/event-store.ts';
import type { SignedEventRecord } from '../../../signer/events/event-record.ts';
import { signEvent } from '../../../signer/events/sign-event.ts';
import { validateEventStatement } from '../../../signer/events/validate-statement.ts';
import { SqliteEventStore } from '../../../signer/events/stores/sqlite.ts';
import { KubernetesSecretsEventStore } from '../../../signer/events/stores/kubernetes-secrets.ts';
import { PostgresEventStore } from '../../../signer/events/stores/postgres.ts';
import { RetentionPruner } from '../../../signer/events/retention/pruner.ts';
import { DEFAULT_RETENTION, parseRetentionDuration, retentionFrom } from '../../../signer/events/retention/policy.ts';
import { silentLogger } from '../../../signer/server/logger.ts';
import { isProvenanceError } from '../../../signer/errors.ts';
import { eventStatement, p256Signer, statementBytes } from './event-fixture.ts';

const DAY = 86_400_000;
const signer = p256Signer();
let kube: KubeApiServer;
let pgServer: TestPostgres;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tp-retention-'));
  [kube, pgServer] = await Promise.all([startKubeApiServer(), startPostgres()]);
});
after(async () => {
  await Promise.all([kube?.close(), pgServer?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

async function signed(body: string): Promise<SignedEventRecord> {
  const bytes = statementBytes(eventStatement(body));
  return signEvent(bytes, validateEventStatement(bytes), signer);
}

const STORES: Record<string, () => Promise<EventStore>> = {
  sqlite: async () => new SqliteEventStore(join(mkdtempSync(join(dir, 'db-')), 'events.db')),
  'kubernetes-secrets': async () => {
    const ns = `ret-${Math.random().toString(36).slice(2, 8)}`;
    kube.objects.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    return KubernetesSecretsEventStore.create({ namespace: ns, kubeConfig: kube.kubeConfig() });
  },
  postgres: async () => PostgresEventStore.open({ url: pgServer.url(await pgServer.createDatabase('ret')) }),
};

for (const [name, open] of Object.entries(STORES)) {
  test(`${name}: attested and unclaimed records go at their time, nothing else`, async () => {
    const store = await open();
    try {
      const t = Date.now();
      // "old" is big: on the Secrets store it is split into chunk Secrets, which must go too.
      const [attestedOld, attestedNew, unclaimed, old] = [
        await signed('{"n":"attested-old"}'),
        await signed('{"n":"attested-new"}'),
        await signed('{"n":"unclaimed"}'),
        await signed(JSON.stringify({ n: 'big', pad: 'z'.repeat(1_500_000) })),
      ];
      for (const r of [attestedOld, attestedNew, unclaimed, old]) await store.put(r);
      assert.equal(await store.markAttested?.(attestedOld.eventId, 'run-uid-1', new Date(t - 8 * DAY)), true);
      assert.equal(await store.markAttested?.(attestedNew.eventId, 'run-uid-2', new Date(t)), true);
      // A second mark keeps the first; an unknown id is false.
      assert.equal(await store.markAttested?.(attestedOld.eventId, 'run-uid-9', new Date(t)), true);
      assert.equal(await store.markAttested?.('no-such-event', 'run-uid-3', new Date(t)), false);
      const listed = (await store.list?.(undefined, 10))?.items ?? [];
      assert.deepEqual(new Set(listed.map((s) => s.eventId)), new Set([attestedOld, attestedNew, unclaimed, old].map((r) => r.eventId)));
      assert.equal(listed.find((s) => s.eventId === attestedOld.eventId)?.attestedRun, 'run-uid-1');
      const before = await store.stats?.();
      assert.equal(before?.records, 4);
      assert.ok((before?.bytes ?? 0) > 1_500_000);

      // 7 days for attested, 30 for unclaimed, at time t: only the old attested record is due.
      const policy = { attestedBefore: new Date(t - 7 * DAY), unclaimedBefore: new Date(t - 30 * DAY) };
      const dry = await store.prune?.({ ...policy, limit: 100, dryRun: true });
      assert.deepEqual(dry?.eventIds, [attestedOld.eventId]);
      assert.ok(await store.getByEventId(attestedOld.eventId), 'a dry run deletes nothing');
      const first = await store.prune?.({ ...policy, limit: 100 });
      assert.deepEqual(first?.eventIds, [attestedOld.eventId]);
      assert.equal(await store.getByEventId(attestedOld.eventId), undefined);

      // 31 days later: the never-claimed ones go, one batch of 1 at a time; the attested-new one too.
      const later = { attestedBefore: new Date(t + 1), unclaimedBefore: new Date(t + 60_000) };
      const batch = await store.prune?.({ ...later, limit: 1 });
      assert.equal(batch?.records, 1);
      const rest = await store.prune?.({ ...later, limit: 100 });
      assert.equal(rest?.records, 2);
      assert.equal((await store.stats?.())?.records, 0);
      assert.equal((await store.prune?.({ ...later, limit: 100 }))?.records, 0);
      if (name === 'kubernetes-secrets') {
        const left = kube.objects.list('v1', 'Secret').filter((o) => o.metadata.labels?.['tekton-provenance.dev/event-id'] === old.eventId);
        assert.deepEqual(left.map((o) => o.metadata.name), [], 'chunk Secrets are deleted with their record');
      }
      // The same event delivered again after its record was pruned is stored anew.
      assert.deepEqual(await store.put(unclaimed), unclaimed);
    } finally {
      await store.close();
    }
  });
}

test('sqlite: new files vacuum incrementally and shrink; older files keep auto_vacuum=NONE and reuse pages', async () => {
  const path = join(mkdtempSync(join(dir, 'vac-')), 'events.db');
  const store = new SqliteEventStore(path);
  const records = await Promise.all(Array.from({ length: 20 }, (_, i) => signed(JSON.stringify({ i, pad: 'v'.repeat(200_000) }))));
  for (const r of records) await store.put(r);
  await store.close();
  const big = statSync(path).size;
  const reopened = new SqliteEventStore(path);
  const pruned = await reopened.prune({ attestedBefore: new Date(0), unclaimedBefore: new Date(Date.now() + 60_000), limit: 100 });
  assert.equal(pruned.records, 20);
  await reopened.close(); // checkpoints the WAL into the file
  const db = new DatabaseSync(path, { readOnly: true });
  assert.equal(Number(db.prepare('PRAGMA auto_vacuum').get()?.auto_vacuum), 2);
  assert.equal(Number(db.prepare('PRAGMA freelist_count').get()?.freelist_count), 0);
  db.close();
  assert.ok(statSync(path).size < big / 10, `file shrank from ${big} to ${statSync(path).size}`);

  // A file created before auto_vacuum (NONE): opened as is, pruned, pages kept for reuse.
  const oldPath = join(mkdtempSync(join(dir, 'old-')), 'events.db');
  const raw = new DatabaseSync(oldPath);
  raw.exec('PRAGMA auto_vacuum = NONE; CREATE TABLE placeholder (x INTEGER);');
  raw.close();
  const legacy = new SqliteEventStore(oldPath);
  for (const r of records.slice(0, 5)) await legacy.put(r);
  assert.equal((await legacy.prune({ attestedBefore: new Date(0), unclaimedBefore: new Date(Date.now() + 60_000), limit: 100 })).records, 5);
  await legacy.close();
  const check = new DatabaseSync(oldPath, { readOnly: true });
  assert.equal(Number(check.prepare('PRAGMA auto_vacuum').get()?.auto_vacuum), 0);
  assert.ok(Number(check.prepare('PRAGMA freelist_count').get()?.freelist_count) > 0);
  check.close();
});

test('the pruner: rounds of small batches off the request path, metrics, errors counted', async () => {
  const store = new SqliteEventStore(join(mkdtempSync(join(dir, 'pruner-')), 'events.db'));
  let now = Date.now();
  const pruner = new RetentionPruner(store, { ...DEFAULT_RETENTION, batchSize: 3, maxBatches: 2 }, silentLogger, { now: () => new Date(now) });
  for (let i = 0; i < 8; i++) await store.put(await signed(`{"p":${i}}`));
  const marked = (await store.list(undefined, 100)).items[0]!;
  await store.markAttested(marked.eventId, 'run-a', new Date(now));
  assert.deepEqual(await pruner.runOnce(), { records: 0, bytes: 0, batches: 1 });
  now += 31 * DAY; // the 7 unclaimed are due, and the attested one (7 days) too
  const round = await pruner.runOnce();
  assert.equal(round.records, 6, 'a round stops after maxBatches batches');
  assert.equal((await pruner.runOnce()).records, 2);
  const text = await pruner.metrics.registry.metrics();
  assert.match(text, /tekton_provenance_event_store_pruned_total 8/);
  assert.match(text, /tekton_provenance_event_store_records 0/);
  await store.close();
  await assert.rejects(pruner.runOnce(), (e) => isProvenanceError(e, 'STORE_UNAVAILABLE'));
  assert.match(await pruner.metrics.registry.metrics(), /tekton_provenance_event_store_prune_errors_total\{code="STORE_UNAVAILABLE"\} 1/);
  await pruner.stop();
});

test('retention settings: durations with days, off, defaults', () => {
  assert.equal(parseRetentionDuration('x', '7d'), 7 * DAY);
  assert.equal(parseRetentionDuration('x', '90s'), 90_000);
  assert.equal(parseRetentionDuration('x', 'off'), Number.POSITIVE_INFINITY);
  assert.throws(() => parseRetentionDuration('x', '7 days'), (e) => isProvenanceError(e, 'STORE_CONFIG'));
  assert.deepEqual(retentionFrom({}), DEFAULT_RETENTION);
  assert.equal(retentionFrom({ attested: '1h', batch: '10' }).attestedMs, 3_600_000);
  assert.throws(() => retentionFrom({ interval: 'off' }), (e) => isProvenanceError(e, 'STORE_CONFIG'));
});
