import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startPostgres, PG_PASSWORD, type TestPostgres } from '../../../harness/postgres/index.ts';
import { PostgresEventStore } from '../../../../signer/events/stores/postgres.ts';
import { openEventStore } from '../../../../signer/events/stores/index.ts';
import { signEvent } from '../../../../signer/events/sign-event.ts';
import { validateEventStatement } from '../../../../signer/events/validate-statement.ts';
import type { SignedEventRecord } from '../../../../signer/events/event-record.ts';
import { isProvenanceError } from '../../../../signer/errors.ts';
import { eventStatement, p256Signer, statementBytes } from '../event-fixture.ts';

const signer = p256Signer();
let server: TestPostgres;

before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server?.close();
});

async function signed(body: string, eventId?: string): Promise<SignedEventRecord> {
  const bytes = statementBytes(eventStatement(body, eventId ? { eventId } : {}));
  return signEvent(bytes, validateEventStatement(bytes), signer);
}

async function freshStore(): Promise<{ db: string; store: PostgresEventStore }> {
  const db = await server.createDatabase();
  return { db, store: await PostgresEventStore.open({ url: server.url(db) }) };
}

test('contract: put is durable and idempotent, conflicts refused, lookups by id and digest', async () => {
  const { db, store } = await freshStore();
  try {
    await store.ping();
    const a = await signed('{"a":1}');
    const b = await signed('{"a":1}'); // same body, another delivery
    assert.deepEqual(await store.put(a), a);
    await store.put(b);
    assert.deepEqual(await store.getByEventId(a.eventId), a);
    assert.equal(await store.getByEventId('no-such-event'), undefined);
    assert.deepEqual(new Set((await store.getByDigest(a.digest)).map((r) => r.eventId)), new Set([a.eventId, b.eventId]));
    // A redelivery gets the FIRST record (its storedAt and signature), not the new one.
    assert.deepEqual(await store.put({ ...a, storedAt: '2030-01-01T00:00:00.000Z' }), a);
    await assert.rejects(store.put(await signed('{"a":2}', a.eventId)), (e) => isProvenanceError(e, 'EVENT_CONFLICT'));
    assert.deepEqual(await store.stats(), { records: 2, bytes: (await store.list(undefined, 10)).items.reduce((n, s) => n + s.bytes, 0) });
    // Committed: another connection (another replica) sees it.
    const other = await PostgresEventStore.open({ url: server.url(db) });
    assert.deepEqual(await other.getByEventId(b.eventId), b);
    await other.close();
  } finally {
    await store.close();
  }
});

test('two replicas racing on one event id: stored once, the other refused', async () => {
  const db = await server.createDatabase();
  const [one, two] = await Promise.all([
    PostgresEventStore.open({ url: server.url(db), poolSize: 4 }),
    PostgresEventStore.open({ url: server.url(db), poolSize: 4 }),
  ]);
  try {
    for (let round = 0; round < 10; round++) {
      const first = await signed(`{"race":${round}}`);
      const second = await signed(`{"race":"${round}b"}`, first.eventId);
      const results = await Promise.allSettled([one.put(first), two.put(second)]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.ok(isProvenanceError(failed.reason, 'EVENT_CONFLICT'), String(failed.reason));
    }
    assert.equal((await one.stats()).records, 10);
  } finally {
    await Promise.all([one.close(), two.close()]);
  }
});

test('schema: versioned, migrated once even when replicas start together', async () => {
  const db = await server.createDatabase();
  const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresEventStore.open({ url: server.url(db), poolSize: 2 })));
  await Promise.all(stores.map((s) => s.close()));
  const client = new pg.Client({ connectionString: server.url(db) });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT version FROM tekton_provenance_migrations ORDER BY version');
    assert.deepEqual(rows.map((r) => r.version), [1]);
  } finally {
    await client.end();
  }
});

test('the password from a file (a mounted Secret) and through the registry by name', async () => {
  const db = await server.createDatabase();
  const file = join(server.dir, 'pw-secret');
  writeFileSync(file, `${PG_PASSWORD}\n`);
  const store = await openEventStore('postgres', { stateDir: server.dir, postgresUrl: server.urlWithoutPassword(db), postgresPasswordFile: file });
  try {
    await store.ping?.();
  } finally {
    await store.close();
  }
  writeFileSync(file, 'wrong');
  await assert.rejects(
    PostgresEventStore.open({ url: server.urlWithoutPassword(db), passwordFile: file }),
    (e) => isProvenanceError(e, 'STORE_UNAVAILABLE') && !String((e as Error).message).includes('wrong'),
  );
  await assert.rejects(openEventStore('postgres', { stateDir: server.dir }), (e) => isProvenanceError(e, 'STORE_CONFIG'));
});

test('database down: fails fast with STORE_UNAVAILABLE; back up: works again without reopening', async () => {
  const { store } = await freshStore();
  try {
    await store.put(await signed('{"before":1}'));
    await server.stop();
    const started = Date.now();
    await assert.rejects(store.put(await signed('{"during":1}')), (e) => isProvenanceError(e, 'STORE_UNAVAILABLE'));
    await assert.rejects(store.ping(), (e) => isProvenanceError(e, 'STORE_UNAVAILABLE'));
    assert.ok(Date.now() - started < 5000, `answered in ${Date.now() - started} ms`);
    await server.start();
    const after = await signed('{"after":1}');
    assert.deepEqual(await store.put(after), after);
    await store.ping();
  } finally {
    await store.close();
  }
});
