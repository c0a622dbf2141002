import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMIT, EVENT_ID, IMAGE, IMAGE_DIGEST } from '../verify/chain-fixture.ts';
import { runCli } from '../../e2e/support/cli.ts';
import { cli, writeAttestationFiles, type AttestationFiles } from './attestation-files.ts';

let f: AttestationFiles;
before(async () => {
  f = await writeAttestationFiles();
});
after(() => rmSync(f.dir, { recursive: true, force: true }));

describe('tkn-provenance inspect', () => {
  test('summarises the event, subjects, params and the tasks in execution order (own process)', async () => {
    const r = await runCli(['inspect', f.inToto]);
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout;
    assert.match(out, /^Predicate: {2}https:\/\/slsa\.dev\/provenance\/v0\.2$/m);
    assert.match(out, new RegExp(`^Event:      sha256:[0-9a-f]{64} \\(event ${EVENT_ID}\\)$`, 'm'));
    assert.match(out, new RegExp(`^  ${IMAGE}@${IMAGE_DIGEST}$`, 'm'));
    assert.match(out, /^ {2}repo-url = https:\/\/github\.com\/tektoncd\/pipeline\.git$/m);
    const tasks = [...out.matchAll(/^ {2}(\d)\. (\S+) \[(\w+)\] (.*)$/gm)].map((m) => [m[1], m[2], m[3]]);
    assert.deepEqual(tasks, [
      ['1', 'git-clone', 'Succeeded'],
      ['2', 'source-security-scan', 'Succeeded'],
      ['3', 'image-build', 'Succeeded'],
      ['4', 'image-security-scan', 'Succeeded'],
    ]);
    assert.match(out, /^ {2}2\. source-security-scan \[Succeeded\] Task\/source-security-scan {2}after: git-clone$/m);
    assert.match(out, /^ {2}3\. image-build \[Succeeded\] git resolver git\+https:\/\/github\.com\/tektoncd\/catalog\.git {2}after: source-security-scan$/m);
    assert.match(out, new RegExp(`^       result commit = ${COMMIT}$`, 'm'));
    assert.match(out, new RegExp(`^       result IMAGE_DIGEST = ${IMAGE_DIGEST}$`, 'm'));
    assert.match(out, new RegExp(`^  git\\+https://github\\.com/tektoncd/pipeline\\.git sha1:${COMMIT}$`, 'm'));
  });

  test('the SLSA v1.0 attestation gives the same task graph', async () => {
    const r = await cli(['inspect', f.slsaV1], f.dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Predicate: {2}https:\/\/slsa\.dev\/provenance\/v1$/m);
    assert.match(r.stdout, /^ {2}4\. image-security-scan \[Succeeded\] bundle quay\.io\/\S+@sha256:[0-9a-f]{64} {2}after: image-build$/m);
  });

  test('--mermaid: a flowchart with one node per task, runAfter edges and the trigger event', async () => {
    const r = await cli(['inspect', '--mermaid', f.slsaV1], f.dir);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'flowchart TD');
    assert.deepEqual(lines.filter((l) => / --> /.test(l)).map((l) => l.trim()), [
      't_git_clone --> t_source_security_scan',
      't_source_security_scan --> t_image_build',
      't_image_build --> t_image_security_scan',
      'event --> t_git_clone',
    ]);
    assert.equal(lines.filter((l) => /^ {2}t_\w+\["/.test(l)).length, 4);
    assert.match(r.stdout, /^ {2}event\(\["trigger event sha256:[0-9a-f]{12}…"\]\)$/m);
    assert.ok(!r.stdout.includes(':::failed'), 'no failed task');
  });

  test('inspect checks no signature: a tampered file is summarised as it is (use verify)', async () => {
    const r = await cli(['inspect', f.tampered], f.dir);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^ {2}repo-url = https:\/\/github\.com\/attacker\/pipeline\.git$/m);
  });

  test('usage errors exit 2', async () => {
    const none = await cli(['inspect'], f.dir);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /missing attestation file/);
    const notJson = join(f.dir, 'not-an-attestation.json');
    writeFileSync(notJson, '{"hello": "world"}');
    const bad = await cli(['inspect', notJson], f.dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /neither a DSSE envelope nor a sigstore bundle \[ATTESTATION_UNREADABLE\]/);
  });
});
