// verify-event on key-signed records logged by transparency.events (the uploader, a Rekor
// stand-in, the SQLite store): --trusted-root requires and checks the entry; --policy decides.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import { main } from '../../../signer/cli/main.ts';
import { serializeRecord } from '../../../signer/events/record-codec.ts';
import { signEvent } from '../../../signer/events/sign-event.ts';
import { SqliteEventStore } from '../../../signer/events/stores/sqlite.ts';
import { validateEventStatement } from '../../../signer/events/validate-statement.ts';
import { silentLogger } from '../../../signer/server/logger.ts';
import { EventUploader } from '../../../signer/transparency/event-uploader.ts';
import { transparencyLogs } from '../../../signer/transparency/registry.ts';
import { RekorStandIn, trustedRoot } from '../../harness/rekor/index.ts';
import { eventStatement, p256Signer, statementBytes } from '../events/event-fixture.ts';

const key = p256Signer();
let dir: string;
let rekor: RekorStandIn;
let eventId: string;

async function run(...argv: string[]): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  const code = await main(['verify-event', ...argv], { stdout, stderr: new PassThrough(), env: {}, cwd: dir });
  return { code, out };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tp-verify-event-tlog-'));
  rekor = await RekorStandIn.start();
  writeFileSync(join(dir, 'trusted_root.json'), JSON.stringify(trustedRoot({ rekor: { url: rekor.url, publicKey: rekor.log.publicKey } })));
  writeFileSync(join(dir, 'key.pub'), key.publicKey.export({ type: 'spki', format: 'pem' }));
  const store = new SqliteEventStore(join(dir, 'events.db'));
  store.uploads.enable();
  const bytes = statementBytes(eventStatement('{"ref":"refs/heads/main"}'));
  const record = await signEvent(bytes, validateEventStatement(bytes), key);
  await store.put(record, bytes);
  eventId = record.eventId;
  const u = new EventUploader({ queue: store.uploads, log: transparencyLogs.get('rekor')({ url: rekor.url }), logger: silentLogger, key });
  u.wake();
  await u.idle();
  const logged = await store.getByEventId(record.eventId);
  assert.ok(logged?.tlog);
  writeFileSync(join(dir, 'logged.json'), serializeRecord(logged));
  writeFileSync(join(dir, 'unlogged.json'), serializeRecord(record));
  await store.close();
});
after(async () => {
  await rekor.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a logged key-signed record: --trusted-root checks its entry offline', async () => {
  const r = await run('--key', 'key.pub', '--trusted-root', 'trusted_root.json', 'logged.json');
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /^PASS transparency +logged at index \d+/m);
  const store = await run('--key', 'key.pub', '--trusted-root', 'trusted_root.json', '--event-id', eventId, '--store', 'events.db');
  assert.equal(store.code, 0, store.out);
  assert.match(store.out, /^PASS transparency/m);
});

test('an unlogged record: --trusted-root requires an entry (TLOG_MISSING); without it, or with a policy saying optional, no log check', async () => {
  const r = await run('--key', 'key.pub', '--trusted-root', 'trusted_root.json', 'unlogged.json');
  assert.equal(r.code, 1);
  assert.match(r.out, /^FAIL transparency .*TLOG_MISSING/m);
  const plain = await run('--key', 'key.pub', 'unlogged.json');
  assert.equal(plain.code, 0, plain.out);
  assert.doesNotMatch(plain.out, /transparency/);
  writeFileSync(join(dir, 'optional.yaml'), 'event: {transparency: optional}\n');
  writeFileSync(join(dir, 'required.yaml'), 'transparency: required\n');
  assert.equal((await run('--key', 'key.pub', '--trusted-root', 'trusted_root.json', '--policy', 'optional.yaml', 'unlogged.json')).code, 0);
  const req = await run('--key', 'key.pub', '--policy', 'required.yaml', 'logged.json');
  assert.equal(req.code, 1, 'the top-level transparency: required applies to events; no --trusted-root to check with');
  assert.match(req.out, /^FAIL transparency .*--trusted-root/m);
});
