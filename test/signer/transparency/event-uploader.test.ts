import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { serializeEnvelope } from '../../../signer/dsse/sign.ts';
import { parseRecord, serializeRecord } from '../../../signer/events/record-codec.ts';
import { signEvent } from '../../../signer/events/sign-event.ts';
import { SqliteEventStore } from '../../../signer/events/stores/sqlite.ts';
import { validateEventStatement } from '../../../signer/events/validate-statement.ts';
import { silentLogger } from '../../../signer/server/logger.ts';
import { EventUploader, type EventUploaderOptions } from '../../../signer/transparency/event-uploader.ts';
import { transparencyLogs } from '../../../signer/transparency/registry.ts';
import { RekorStandIn, trustedRoot } from '../../harness/rekor/index.ts';
import { p256Signer, statementBytes, unverifiedStatement } from '../events/event-fixture.ts';
import { keyBundle, sigstoreVerifyBundle } from './sigstore-check.ts';

const FAST = { retries: 1, backoffMs: 5, maxBackoffMs: 10, timeoutMs: 500 };
const key = p256Signer();

describe('event uploader (transparency.events): the event store as a durable upload queue', () => {
  let rekor: RekorStandIn;
  let dir: string;
  let store: SqliteEventStore;
  let n = 0;
  const log = () => transparencyLogs.get('rekor')({ url: rekor.url, transport: FAST });
  const uploader = (o: Partial<EventUploaderOptions> = {}) =>
    new EventUploader({ queue: store.uploads, log: log(), logger: silentLogger, key, backoffMs: 10, maxBackoffMs: 40, pollMs: 20, ...o });
  const put = async (by = key) => {
    const bytes = statementBytes(unverifiedStatement(JSON.stringify({ n: n++ })));
    const record = await signEvent(bytes, validateEventStatement(bytes), by);
    await store.put(record, bytes);
    return record;
  };
  /** Bounded (5 s): until `done()` holds. */
  const until = async (done: () => Promise<boolean>) => {
    for (let i = 0; i < 250 && !(await done()); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(await done(), 'condition not reached in 5 s');
  };

  before(async () => {
    rekor = await RekorStandIn.start({ slowMs: 1000, maxBodyBytes: 64 * 1024 });
    dir = mkdtempSync(join(tmpdir(), 'tp-uploader-'));
  });
  after(async () => {
    await rekor.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    rekor.clearFaults();
    store = new SqliteEventStore(join(dir, `events-${n++}.db`));
    store.uploads.enable();
  });

  test('a queued record is logged; the checked entry is stored with it and @sigstore/verify accepts it offline', async () => {
    const record = await put();
    const u = uploader();
    u.wake();
    await u.idle();
    const stored = await store.getByEventId(record.eventId);
    assert.ok(stored?.tlog, 'entry stored with the record');
    assert.deepEqual(await store.uploads.counts(), { pending: 0, logged: 1, failed: 0 });
    const root = trustedRoot({ rekor: { url: rekor.url, publicKey: rekor.log.publicKey } });
    sigstoreVerifyBundle(keyBundle(stored.envelope, stored.tlog.entry), root, key.publicKey);
    assert.deepEqual(parseRecord(serializeRecord(stored)), stored, 'the served form round-trips with the entry');
    await store.close();
  });

  test('Rekor down: retried with backoff until it answers; bounded: given up after maxAttempts', async () => {
    const a = await put();
    rekor.injectFaults('down', 4, 'POST'); // two attempts of 2 requests each
    const u = uploader({ maxAttempts: 3 });
    u.start();
    await until(async () => (await store.getByEventId(a.eventId))?.tlog !== undefined);
    rekor.clearFaults();
    rekor.injectFaults('down', 1000, 'POST');
    const b = await put();
    const posts = rekor.count('POST');
    u.wake();
    await until(async () => (await store.uploads.counts()).failed === 1);
    await u.stop();
    assert.equal(rekor.count('POST') - posts, 2 * 3, 'maxAttempts (3) x transport requests (2), then no more');
    assert.equal((await store.getByEventId(b.eventId))?.tlog, undefined);
    await store.close();
  });

  test('permanent failures are not retried: a too-large entry, a record of another key', async () => {
    const big = await (async () => {
      const bytes = statementBytes(unverifiedStatement(JSON.stringify({ pad: 'x'.repeat(70_000) })));
      const record = await signEvent(bytes, validateEventStatement(bytes), key);
      await store.put(record, bytes);
      return record;
    })();
    await put(p256Signer());
    const posts = rekor.count('POST');
    const u = uploader();
    u.wake();
    await u.idle();
    assert.deepEqual(await store.uploads.counts(), { pending: 0, logged: 0, failed: 2 });
    assert.equal(rekor.count('POST') - posts, 1, 'one POST for the too-large entry, none for the foreign key');
    assert.equal((await store.getByEventId(big.eventId))?.tlog, undefined);
    await store.close();
  });

  test('a restart resumes the queue; an entry already in the log (409) is fetched, not duplicated', async () => {
    const path = join(dir, 'restart.db');
    let s = new SqliteEventStore(path);
    s.uploads.enable();
    store = s;
    const a = await put();
    const b = await put();
    // Logged before the "crash", but the answer never stored:
    await log().logEnvelope(serializeEnvelope(a.envelope), a.envelope, { publicKey: key.publicKey });
    await s.close();
    const size = rekor.log.size;
    s = new SqliteEventStore(path); // the restart: nothing from memory
    s.uploads.enable();
    store = s;
    const u = uploader();
    u.start();
    await until(async () => (await s.uploads.counts()).logged === 2);
    await u.stop();
    assert.equal(rekor.log.size - size, 1, 'only b was added');
    assert.ok(rekor.requests.some((q) => q.status === 409));
    assert.ok((await s.getByEventId(a.eventId))?.tlog && (await s.getByEventId(b.eventId))?.tlog);
    await s.close();
  });

  test('records put before the queue was enabled are not queued; prune removes the queue row too', async () => {
    const path = join(dir, 'off.db');
    const s = new SqliteEventStore(path);
    store = s;
    await put();
    assert.deepEqual(await s.uploads.counts(), { pending: 0, logged: 0, failed: 0 });
    s.uploads.enable();
    await put();
    assert.equal((await s.uploads.counts()).pending, 1);
    await s.prune({ attestedBefore: new Date(), unclaimedBefore: new Date(Date.now() + 1000), limit: 10 });
    assert.deepEqual(await s.uploads.counts(), { pending: 0, logged: 0, failed: 0 });
    await s.close();
  });
});
