import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { IN_TOTO_PAYLOAD_TYPE } from '../../../signer/dsse/envelope.ts';
import { verifyEnvelope } from '../../../signer/dsse/verify.ts';
import { isProvenanceError } from '../../../signer/errors.ts';
import type { SignedEventRecord } from '../../../signer/events/event-record.ts';
import type { EventStore } from '../../../signer/events/event-store.ts';
import { SqliteEventStore } from '../../../signer/events/stores/sqlite.ts';
import { PublicKeyVerifier } from '../../../signer/keys/local.ts';
import type { Logger } from '../../../signer/server/logger.ts';
import { EventSigningService } from '../../../signer/server/sign-and-store.ts';
import { unverifiedStatement, p256Signer, statementBytes } from '../events/event-fixture.ts';

const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const signer = p256Signer();
const verifiers = [new PublicKeyVerifier(signer.publicKey)];

async function withStore(fn: (store: SqliteEventStore) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tp-sign-store-'));
  const store = new SqliteEventStore(join(dir, 'events.db'));
  try {
    await fn(store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the stored envelope carries the exact statement bytes (handed to the store, not re-decoded) and verifies', async () => {
  await withStore(async (store) => {
    const service = new EventSigningService(signer, store, silentLogger);
    const bytes = statementBytes(unverifiedStatement('{"text":"caf\u00e9 \\u2028 \\"quoted\\""}', { eventId: 'ev-exact' }));
    const { record, created } = await service.signAndStore(bytes);
    assert.equal(created, true);
    const stored = await store.getByEventId('ev-exact');
    assert.deepEqual(stored, record);
    const verified = verifyEnvelope(stored!.envelope, verifiers, { payloadType: IN_TOTO_PAYLOAD_TYPE });
    assert.deepEqual(verified.payload, bytes);
  });
});

test('concurrent deliveries of one event sign once; a changed body under the same id is a conflict', async () => {
  await withStore(async (store) => {
    const service = new EventSigningService(signer, store, silentLogger);
    const bytes = statementBytes(unverifiedStatement('{"n":1}', { eventId: 'ev-twice' }));
    const [a, b] = await Promise.all([service.signAndStore(bytes), service.signAndStore(bytes)]);
    assert.deepEqual([a.created, b.created], [true, false]);
    assert.deepEqual(b.record, a.record, 'the redelivery answers what the store holds');
    const other = statementBytes(unverifiedStatement('{"n":2}', { eventId: 'ev-twice' }));
    await assert.rejects(service.signAndStore(other), (e) => isProvenanceError(e, 'EVENT_CONFLICT'));
  });
});

test('a store that takes only the record is used as it is', async () => {
  const records = new Map<string, SignedEventRecord>();
  const store: EventStore = {
    put: async (r: SignedEventRecord) => void records.set(r.eventId, r),
    getByEventId: async (id) => records.get(id),
    getByDigest: async (d) => [...records.values()].filter((r) => r.digest === d),
    close: async () => undefined,
  };
  const service = new EventSigningService(signer, store, silentLogger);
  const bytes = statementBytes(unverifiedStatement('{"n":3}', { eventId: 'ev-plain' }));
  const { record, created } = await service.signAndStore(bytes);
  assert.equal(created, true);
  assert.equal(records.get('ev-plain'), record);
  assert.equal(Buffer.from(record.envelope.payload, 'base64').equals(bytes), true);
});

test('statements over the in-flight byte budget are worked on one after another, and all are signed and stored', async () => {
  await withStore(async (store) => {
    let concurrent = 0;
    let peak = 0;
    // Counts puts in progress: with a budget smaller than one statement, never more than one.
    const counting: EventStore = {
      put: async (record, bytes) => {
        peak = Math.max(peak, ++concurrent);
        try {
          return await store.put(record, bytes);
        } finally {
          concurrent--;
        }
      },
      getByEventId: (id) => store.getByEventId(id),
      getByDigest: (d) => store.getByDigest(d),
      close: async () => undefined,
    };
    const service = new EventSigningService(signer, counting, silentLogger, 1);
    const all = [1, 2, 3, 4].map((n) => statementBytes(unverifiedStatement(`{"n":${n}}`, { eventId: `ev-budget-${n}` })));
    const results = await Promise.all(all.map((b) => service.signAndStore(b)));
    assert.deepEqual(results.map((r) => r.created), [true, true, true, true]);
    assert.equal(peak, 1);
    for (const n of [1, 2, 3, 4]) assert.ok(await store.getByEventId(`ev-budget-${n}`));
  });
});
