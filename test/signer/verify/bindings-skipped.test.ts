import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkBindings } from '../../../signer/verify/checks/bindings.ts';
import { parsePolicy } from '../../../signer/verify/policy/parse-policy.ts';
import { verifyAttestation } from '../../../signer/verify/verify-attestation.ts';
import type { RunView } from '../../../signer/verify/run-view.ts';
import { attest, COMMIT, newSigner, pushBody, signedEvent, simpleBuild, verifierOf } from './chain-fixture.ts';

// Issue 14, item 2: presets are all optional, so a run whose params they do not know had every
// binding skipped and still read VERIFIED. A policy that asks for bindings must check one.
const EVIL = 'https://github.com/attacker/evil.git';
const presets = parsePolicy('bindings: {presets: [github-push]}');
const genuinePush = { body: JSON.parse(pushBody()) as unknown, headers: {} };

function run(params: Record<string, string>): RunView {
  return {
    predicateType: 'https://slsa.dev/provenance/v0.2',
    subjects: [],
    params,
    results: {},
    tasks: [],
    materials: [],
    event: { state: 'absent', reason: 'test' },
  };
}

test('every binding skipped is a failure that names the params the presets looked for', () => {
  // The params the example TriggerTemplate used to pass: no preset knows them.
  const results = checkBindings(run({ repository: EVIL, revision: COMMIT }), genuinePush, presets.bindings);
  const summary = results.at(-1)!;
  assert.equal(summary.name, 'bindings');
  assert.equal(summary.status, 'fail');
  assert.match(summary.message, /every binding was skipped: the run has none of param git-url, param git-repo, param git-revision, material git-url, material git-commit/);
});

test('a run of attacker/evil.git with the example params (git-repo, git-revision) fails presets [github-push]', () => {
  const results = checkBindings(run({ 'git-repo': EVIL, 'git-revision': COMMIT }), genuinePush, presets.bindings);
  const repo = results.find((r) => r.name === 'binding param git-repo = repository.clone_url')!;
  assert.equal(repo.status, 'fail');
  assert.match(repo.message, /attacker\/evil/);
});

test('end to end: a signed chain whose run cloned attacker/evil.git is NOT VERIFIED under presets [github-push]', async () => {
  const signer = newSigner();
  const record = await signedEvent(signer);
  const built = simpleBuild(record, {
    params: [
      { name: 'repo-url', value: EVIL },
      { name: 'revision', value: COMMIT },
      { name: 'image', value: 'registry.example.com/demo/app' },
    ],
  });
  const [att] = await attest(built, signer, { state: 'found', record }, ['in-toto']);
  const report = verifyAttestation('evil', att!.envelope, { keys: [verifierOf(signer)], policy: presets });
  assert.equal(report.ok, false);
  const failed = report.checks.filter((c) => c.status === 'fail').map((c) => c.name);
  assert.ok(failed.includes('binding material git-url = repository.clone_url'), failed.join(', '));
});

test('a git-commit binding on a value that is not a commit says so, not "abcd but abcd"', () => {
  const rules = parsePolicy('bindings: {rules: [{param: rev, event: after, compare: git-commit}]}').bindings;
  const [result] = checkBindings(run({ rev: 'abcd' }), { body: { after: 'abcd' }, headers: {} }, rules);
  assert.equal(result!.status, 'fail');
  assert.match(result!.message, /param rev "abcd" is not a commit id \(compare git-commit needs 7 to 64 hex characters/);
});
