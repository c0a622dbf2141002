// Hostile input for `verify`: nothing verified is never ok. An empty directory, a symlink loop
// and a directory of non-attestations each give {"ok": false} and exit 1, never {"ok": true, "total": 0}.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../e2e/support/cli.ts';

interface JsonOut {
  ok: boolean;
  total: number;
  failed: number;
  error?: { code: string };
  reports: Array<{ source: string; ok: boolean; checks: Array<{ name: string; status: string; message: string }> }>;
}

let dir: string;
let key: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tp-limits-verify-'));
  key = join(dir, 'key.pub');
  writeFileSync(key, generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function verifyJson(path: string): Promise<{ code: number; out: JsonOut; stderr: string }> {
  const r = await runCli(['verify', '--key', key, '--attestation', path, '--json']);
  return { code: r.code, out: JSON.parse(r.stdout) as JsonOut, stderr: r.stderr };
}

describe('verify: nothing verified is never ok', () => {
  test('an empty directory: ok false, NOTHING_VERIFIED, exit 1', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const { code, out } = await verifyJson(empty);
    assert.equal(out.ok, false);
    assert.equal(out.total, 0);
    assert.equal(out.error?.code, 'NOTHING_VERIFIED');
    assert.equal(code, 1);
    const text = await runCli(['verify', '--key', key, '--attestation', empty]);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^NOT VERIFIED: no attestation was found/m);
  });

  test('a symlink loop (as the path, and inside a directory): ok false, exit 1, the file named', async () => {
    const loopDir = join(dir, 'loops');
    mkdirSync(loopDir);
    symlinkSync(join(loopDir, 'a.json'), join(loopDir, 'b.json'));
    symlinkSync(join(loopDir, 'b.json'), join(loopDir, 'a.json'));
    const inDir = await verifyJson(loopDir);
    assert.equal(inDir.out.ok, false);
    assert.equal(inDir.code, 1);
    assert.equal(inDir.out.failed, 2);
    assert.match(inDir.out.reports[0]?.checks[0]?.message ?? '', /ELOOP.*\[ATTESTATION_UNREADABLE\]/);
    const direct = await verifyJson(join(loopDir, 'a.json'));
    assert.equal(direct.out.ok, false);
    assert.equal(direct.code, 1);
  });

  test('a directory of non-attestations (JSON that is no envelope, text, other files): ok false, exit 1', async () => {
    const junk = join(dir, 'junk');
    mkdirSync(junk);
    writeFileSync(join(junk, 'package.json'), '{"name": "not-an-attestation"}');
    writeFileSync(join(junk, 'notes.jsonl'), 'hello\n');
    writeFileSync(join(junk, 'readme.txt'), 'ignored: not .json');
    const { code, out } = await verifyJson(junk);
    assert.equal(out.ok, false);
    assert.equal(code, 1);
    assert.equal(out.total, 2);
    assert.ok(out.reports.every((r) => !r.ok && r.checks[0]?.name === 'attestation'));
    const onlyOther = join(dir, 'only-other');
    mkdirSync(onlyOther);
    writeFileSync(join(onlyOther, 'readme.txt'), 'x');
    const none = await verifyJson(onlyOther);
    assert.deepEqual([none.out.ok, none.out.total, none.code], [false, 0, 1]);
  });

  test('a missing path stays a usage error: exit 2 and a JSON error, no verdict (nothing a script can read as ok)', async () => {
    const r = await runCli(['verify', '--key', key, '--attestation', join(dir, 'does-not-exist'), '--json']);
    assert.equal(r.code, 2);
    const out = JSON.parse(r.stdout) as { ok?: unknown; error?: { code: string; exit: number } };
    assert.equal(out.ok, undefined);
    assert.equal(out.error?.exit, 2);
    assert.match(out.error?.code ?? '', /^[A-Z_]+$/);
  });
});
