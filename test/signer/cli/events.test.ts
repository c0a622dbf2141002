import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.ts';
import { signEvent } from '../../../signer/events/sign-event.ts';
import { validateEventStatement } from '../../../signer/events/validate-statement.ts';
import { SqliteEventStore } from '../../../signer/events/stores/sqlite.ts';
import { KubernetesSecretsEventStore } from '../../../signer/events/stores/kubernetes-secrets.ts';
import { PostgresEventStore } from '../../../signer/events/stores/postgres.ts';
import type { SignedEventRecord } from '../../../signer/events/event-record.ts';
import { startKubeApiServer, type KubeApiServer } from '../../harness/kube/index.ts';
import { startPostgres, type TestPostgres } from '../../harness/postgres/index.ts';
import { eventStatement, p256Signer, statementBytes } from '../events/event-fixture.ts';

const DAY = 86_400_000;
const signer = p256Signer();
const other = p256Signer();
let dir: string;
let kube: KubeApiServer;
let pgServer: TestPostgres;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tp-events-cli-'));
  writeFileSync(join(dir, 'signing.pub'), signer.publicKey.export({ type: 'spki', format: 'pem' }));
  [kube, pgServer] = await Promise.all([startKubeApiServer({ namespace: 'tekton-provenance' }), startPostgres()]);
});
after(async () => {
  await Promise.all([kube?.close(), pgServer?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runCli(argv, { cwd: dir, env: { KUBECONFIG: kube.kubeconfigPath } });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

async function signed(body: string, by = signer, eventId?: string): Promise<SignedEventRecord> {
  const bytes = statementBytes(eventStatement(body, eventId ? { eventId } : {}));
  return signEvent(bytes, validateEventStatement(bytes), by);
}

test('ls, get and prune over a SQLite file', async () => {
  const path = join(dir, 'ls.db');
  const store = new SqliteEventStore(path);
  const [a, b] = [await signed('{"ls":1}'), await signed('{"ls":2}')];
  await store.put(a);
  await store.put({ ...b, storedAt: new Date(Date.now() - 40 * DAY).toISOString() }); // never claimed, 40 days old
  await store.markAttested(a.eventId, 'uid-of-run-a', new Date());
  await store.close();

  const ls = await run('events', 'ls', '--store', 'ls.db');
  assert.equal(ls.code, 0, ls.err);
  assert.match(ls.out, new RegExp(`^${a.eventId} .* run uid-of-run-a$`, 'm'));
  assert.match(ls.out, new RegExp(`^${b.eventId} .* -$`, 'm'));
  const json = await run('events', 'ls', '--store', 'ls.db', '--json', '--limit', '1');
  assert.equal(json.out.trim().split('\n').length, 1);

  const got = await run('events', 'get', '--store', 'ls.db', a.eventId);
  assert.equal(got.code, 0);
  assert.deepEqual(JSON.parse(got.out), a);
  assert.equal((await run('events', 'get', '--store', 'ls.db', 'missing')).code, 1);

  const dry = await run('events', 'prune', '--store', 'ls.db', '--dry-run');
  assert.equal(dry.code, 0, dry.err);
  assert.match(dry.out, new RegExp(`would delete ${b.eventId}`));
  assert.match(dry.out, /would delete 1 record\(s\)/);
  const pruned = await run('events', 'prune', '--store', 'ls.db');
  assert.match(pruned.out, /deleted 1 record\(s\)/);
  assert.equal((await run('events', 'get', '--store', 'ls.db', b.eventId)).code, 1);
  assert.equal((await run('events', 'get', '--store', 'ls.db', a.eventId)).code, 0);

  assert.equal((await run('events', 'nope', '--store', 'ls.db')).code, 2);
  assert.equal((await run('events', 'ls', '--store', 'missing.db')).code, 2);
  assert.equal((await run('events', 'ls', '--store', 'ftp://x')).code, 2);
  assert.match((await run('events', '--help')).out, /copy --store STORE --to STORE --key PUB/);
});

test('copy from SQLite and from Secrets to PostgreSQL: verified, conflicts refused, re-runnable; verify-event against the copy', async () => {
  const target = pgServer.url(await pgServer.createDatabase('copy'));
  const sqlitePath = join(dir, 'copy.db');
  const sqlite = new SqliteEventStore(sqlitePath);
  const fromSqlite = await Promise.all([1, 2, 3].map((i) => signed(`{"sqlite":${i}}`)));
  for (const r of fromSqlite) await sqlite.put(r);
  await sqlite.markAttested(fromSqlite[0]!.eventId, 'run-1', new Date(Date.now() - 2 * DAY));
  const forged = await signed('{"forged":1}', other); // signed by a key we do not trust
  await sqlite.put(forged);
  await sqlite.close();

  const secrets = KubernetesSecretsEventStore.create({ namespace: 'tekton-provenance', kubeConfig: kube.kubeConfig() });
  const fromSecrets = await Promise.all([1, 2].map((i) => signed(`{"secrets":${i}}`)));
  fromSecrets.push(await signed(JSON.stringify({ secrets: 'big', pad: 's'.repeat(1_200_000) }))); // chunked
  for (const r of fromSecrets) await secrets.put(r);

  // Already in the target under the same id with another body: a conflict, refused.
  const pg = await PostgresEventStore.open({ url: target });
  const clash = await signed('{"clash":1}');
  await pg.put(clash);
  await secrets.put(await signed('{"clash":"other body"}', signer, clash.eventId));
  await pg.close();

  const one = await run('events', 'copy', '--store', 'copy.db', '--to', target, '--key', 'signing.pub');
  assert.equal(one.code, 1, 'the forged record is refused');
  assert.match(one.err, new RegExp(`refused ${forged.eventId}: signature`));
  assert.match(one.out, /copied 3 .*conflicts 0, bad signature 1/);
  const two = await run('events', 'copy', '--store', 'k8s://tekton-provenance', '--to', target, '--key', 'signing.pub');
  assert.equal(two.code, 1);
  assert.match(two.err, new RegExp(`refused ${clash.eventId}: .*already stored`));
  assert.match(two.out, /copied 3 .*conflicts 1, bad signature 0/);
  // Re-running loses nothing and duplicates nothing.
  const again = await run('events', 'copy', '--store', 'copy.db', '--to', target, '--key', 'signing.pub');
  assert.match(again.out, /copied 3 /);

  const check = await PostgresEventStore.open({ url: target });
  try {
    for (const r of [...fromSqlite, ...fromSecrets]) assert.deepEqual(await check.getByEventId(r.eventId), r);
    assert.equal(await check.getByEventId(forged.eventId), undefined);
    assert.equal((await check.stats()).records, 7); // 3 + 3 + the clash already there
    const attested = (await check.list(undefined, 100)).items.find((s) => s.eventId === fromSqlite[0]!.eventId);
    assert.equal(attested?.attestedRun, 'run-1', 'the attested mark is copied too');
  } finally {
    await check.close();
  }
  for (const r of [fromSqlite[1]!, fromSecrets[2]!]) {
    const v = await run('verify-event', '--key', 'signing.pub', '--event-id', r.eventId, '--store', target);
    assert.equal(v.code, 0, v.out + v.err);
    assert.match(v.out, new RegExp(`VERIFIED: event ${r.eventId}`));
  }
});
