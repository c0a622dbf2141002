import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../e2e/support/cli.ts';
import { cli, writeAttestationFiles, type AttestationFiles } from './attestation-files.ts';

let f: AttestationFiles;
before(async () => {
  f = await writeAttestationFiles();
});
after(() => rmSync(f.dir, { recursive: true, force: true }));

interface JsonOut {
  ok: boolean;
  total: number;
  failed: number;
  reports: Array<{ source: string; ok: boolean; checks: Array<{ name: string; status: 'pass' | 'fail' | 'skip'; message: string }> }>;
}

describe('tkn-provenance verify', () => {
  test('a directory with one tampered attestation: exit 1, the tampered one fails its signature, the others pass (own process)', async () => {
    const r = await runCli(['verify', '--key', f.publicKey, '--policy', f.policy, '--attestation', f.attestations]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^VERIFIED .*in-toto\.json: \d+ checks passed$/m);
    assert.match(r.stdout, /^VERIFIED .*slsa-v1\.json: \d+ checks passed$/m);
    assert.match(r.stdout, /^\s+FAIL\s+signature\s+attestation signature does not verify: .*\[BAD_SIGNATURE\]$/m);
    assert.match(r.stdout, /^NOT VERIFIED .*tampered\.json: signature failed$/m);
    assert.match(r.stdout, /^NOT VERIFIED: 2 of 3 attestations passed$/m);
    assert.equal(r.stderr, '', 'no progress bar when stderr is not a terminal');
  });

  test('--json: one report per attestation, machine-readable verdicts', async () => {
    const r = await cli(['verify', '--key', f.publicKey, '--policy', f.policy, '--attestation', f.attestations, '--json'], f.dir);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as JsonOut;
    assert.equal(out.ok, false);
    assert.equal(out.total, 3);
    assert.equal(out.failed, 1);
    const bad = out.reports.find((x) => x.source.endsWith('tampered.json'));
    assert.deepEqual(bad?.checks.map((c) => [c.name, c.status]), [['signature', 'fail']], 'nothing after a broken signature is trusted');
    for (const good of out.reports.filter((x) => x !== bad)) {
      assert.equal(good.ok, true, JSON.stringify(good.checks.filter((c) => c.status === 'fail')));
      assert.ok(good.checks.some((c) => c.name === 'binding param repo-url = repository.clone_url' && c.status === 'pass'));
    }
  });

  test('only the good files: exit 0; several --key (rotation) still verify', async () => {
    const r = await cli(['verify', '--key', f.otherKey, '--key', f.publicKey, '--policy', f.policy, '--attestation', f.inToto, '--attestation', f.slsaV1], f.dir);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /^VERIFIED: 2 of 2 attestations passed$/m);
  });

  test('a key that signed nothing here: every attestation fails with UNKNOWN_KEY', async () => {
    const r = await cli(['verify', '--key', f.otherKey, '--attestation', f.inToto, '--json'], f.dir);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as JsonOut;
    assert.match(out.reports[0]?.checks[0]?.message ?? '', /UNKNOWN_KEY/);
  });

  test('on a terminal, a progress bar is drawn on stderr', async () => {
    const r = await cli(['verify', '--key', f.publicKey, '--attestation', f.attestations], f.dir, { tty: true });
    assert.match(r.stderr, /\[#{30}\] 3\/3 checked: 2 passed, 1 failed\n$/);
  });

  test('usage errors exit 2 with a message naming what is wrong', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--attestation', f.inToto], /--key is required/],
      [['--key', f.publicKey], /give exactly one of --attestation, --image, --pipelinerun/],
      [['--key', f.publicKey, '--attestation', f.inToto, '--image', 'registry.example/app@sha256:' + 'a'.repeat(64)], /exactly one of/],
      [['--key', f.publicKey, '--attestation', f.inToto, '--no-such-flag'], /no-such-flag/],
      [['--key', f.publicKey, '--attestation', f.inToto, '--max-age', 'soon'], /maxAge "soon" is not a duration.*\[POLICY_INVALID\]/],
      [['--key', f.publicKey, '--attestation', join(f.dir, 'missing.json')], /cannot read .*missing\.json.*\[ATTESTATION_UNREADABLE\]/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(['verify', ...argv], f.dir);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message, argv.join(' '));
    }
  });

  test('an invalid policy is a usage error naming the field', async () => {
    const bad = join(f.dir, 'bad-policy.yaml');
    writeFileSync(bad, 'trustedTasks:\n  allow:\n    - name: git-clone\n      bundle: gcr.io/x/git-clone:latest\n');
    const r = await cli(['verify', '--key', f.publicKey, '--policy', bad, '--attestation', f.inToto], f.dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /trustedTasks\.allow\[0\]\.bundle must be pinned by digest .*\[POLICY_INVALID\]/);
  });
});
