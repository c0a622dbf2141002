import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnvelope } from '../../../signer/dsse/parse.ts';
import { SqliteAttestationStorage } from '../../../signer/storage/sqlite/backend.ts';
import { makeAttestation, runRef } from './fixtures.ts';

test('sqlite: keyed by (run uid, format), idempotent, durable across reopen', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tp-sqlite-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'nested', 'attestations.db');
  const subject = [{ name: 'reg.example/app', digest: { sha256: 'c'.repeat(64) } }];
  const a = await makeAttestation('in-toto', subject);
  const s1 = new SqliteAttestationStorage(path);
  const loc = await s1.store(runRef('u1'), a);
  assert.equal(loc.location, `sqlite://${path}#u1/in-toto`);
  await s1.store(runRef('u1'), await makeAttestation('in-toto', subject)); // re-signed after a restart
  await s1.store(runRef('u1'), await makeAttestation('tekton', subject));
  s1.close();
  const s2 = new SqliteAttestationStorage(path);
  const rows = s2.read('u1');
  assert.deepEqual(rows.map((r) => r.format).sort(), ['in-toto', 'tekton']);
  assert.equal(parseEnvelope(rows.find((r) => r.format === 'in-toto')!.envelope).signatures[0]?.sig, a.envelope.signatures[0]?.sig, 'the first write wins');
  assert.equal(s2.count(), 2);
  s2.close();
});

test('sqlite: an unusable path (parent is a file) is SQLITE_FAILED', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tp-sqlite-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'file'), 'x');
  assert.throws(() => new SqliteAttestationStorage(join(dir, 'file', 'attestations.db')), { code: 'SQLITE_FAILED' });
});
