import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy } from '../../../signer/verify/policy/parse-policy.ts';
import { isProvenanceError } from '../../../signer/errors.ts';

// docs/policy.md promises that a typo never quietly weakens a policy. Each row is a slip an
// author could make in a real policy (issue 14, items 1 and 3): it must be POLICY_INVALID,
// naming the key and, where it is a known field, where it belongs.
const DIGEST = 'a'.repeat(64);
const GOOD = `apiVersion: tekton-provenance.dev/v1alpha1
kind: VerificationPolicy
metadata:
  name: simple-build
spec:
  builderId: https://tekton.dev/chains/v2
  maxAge: 720h
  event:
    required: true
    providers: [github]
  bindings:
    presets: [github-push]
  trustedTasks:
    allow:
      - name: git-clone
        bundle: reg.example/git-clone@sha256:${DIGEST}
`;
const TASKS = `  trustedTasks:
    allow:
      - name: git-clone
        bundle: reg.example/git-clone@sha256:${DIGEST}
`;

/** [what the author did, the policy text, what the error must say] */
const TYPOS: [string, string, RegExp][] = [
  ['trustedTasks at column 0, next to spec:', GOOD.replace(TASKS, TASKS.replace(/^ {2}/gm, '')), /^trustedTasks: policy fields next to spec: are not read; indent it under spec:/],
  ['trustedTasks indented under metadata:', GOOD.replace(TASKS, '').replace('  name: simple-build\n', `  name: simple-build\n${TASKS}`), /^metadata.trustedTasks: policy fields are read under spec:, not under metadata:/],
  ['builderId under metadata: in a flat policy', `metadata:\n  builderId: x\n`, /^metadata.builderId: policy fields are read under the top level/],
  ['an unknown key next to spec:', GOOD.replace('spec:', 'note: hi\nspec:'), /^note: unknown field \(allowed beside spec: apiVersion, kind, metadata, spec\)/],
  ['spec: capitalised', GOOD.replace('spec:', 'Spec:'), /^policy: unknown field\(s\) Spec/],
  ['trustedTask (singular)', GOOD.replace('trustedTasks:', 'trustedTask:'), /spec: unknown field\(s\) trustedTask; did you mean "trustedTasks"\?/],
  ['builderID (case)', GOOD.replace('builderId:', 'builderID:'), /unknown field\(s\) builderID; did you mean "builderId"\?/],
  ['allow: one level too far out', GOOD.replace('  trustedTasks:\n    allow:', '  trustedTasks: {}\n  allow:'), /spec: unknown field\(s\) allow; it belongs under trustedTasks/],
  ['presets directly under spec', GOOD.replace('  bindings:\n    presets:', '  presets:'), /spec: unknown field\(s\) presets; it belongs under bindings/],
  ['event.provider (singular)', GOOD.replace('providers:', 'provider:'), /event: unknown field\(s\) provider; did you mean "providers"\?/],
  ['providers: [Github] (case)', GOOD.replace('[github]', '[Github]'), /event.providers\[0\]: "Github" is not one of github, gitlab, bitbucket, none/],
  ['providers: [github.com]', GOOD.replace('[github]', '[github.com]'), /event.providers\[0\]: "github.com" is not one of/],
  ['required: "false" (a string)', GOOD.replace('required: true', 'required: "false"'), /event.required must be true or false/],
  ['required: no (YAML 1.1 boolean)', GOOD.replace('required: true', 'required: no'), /event.required must be true or false/],
  ['bindings.preset (singular)', GOOD.replace('presets:', 'preset:'), /bindings: unknown field\(s\) preset; did you mean "presets"\?/],
  ['bindings with an empty presets list', GOOD.replace('[github-push]', '[]'), /bindings: lists no presets and no rules/],
  ['bindings: with no value', GOOD.replace('    presets: [github-push]\n', ''), /bindings has no value/],
  ['builderId: with no value', GOOD.replace('builderId: https://tekton.dev/chains/v2', 'builderId:'), /builderId has no value/],
  ['maxAge: 720 (no unit)', GOOD.replace('720h', '720'), /maxAge "720" is not a duration/],
  ['trustedTasks: with no value', GOOD.replace(TASKS, '  trustedTasks:\n'), /trustedTasks has no value/],
  ['allow: with no value', GOOD.replace(TASKS, '  trustedTasks:\n    allow:\n'), /trustedTasks.allow has no value/],
  ['requirePinnedBundle (singular)', GOOD.replace('    allow:', '    requirePinnedBundle: true\n    allow:'), /unknown field\(s\) requirePinnedBundle; did you mean "requirePinnedBundles"\?/],
  ['a rule key misspelt: optinal', `bindings: {rules: [{param: git-url, event: repository.clone_url, optinal: true}]}`, /bindings.rules\[0\]: unknown field\(s\) optinal; did you mean "optional"\?/],
  ['compare: git_url', `bindings: {rules: [{param: git-url, event: repository.clone_url, compare: git_url}]}`, /compare must be exact, git-url or git-commit/],
  ['a task rule key misspelt: bundel', GOOD.replace('bundle:', 'bundel:'), /trustedTasks.allow\[0\]: unknown field\(s\) bundel; did you mean "bundle"\?/],
  ['pipelineTasks under trustedTasks', GOOD.replace('    allow:', '    pipelineTasks: [build]\n    allow:'), /trustedTasks: unknown field\(s\) pipelineTasks; it belongs under trustedTasks.allow\[\]/],
  ['trustedTasks given twice', `${GOOD}  trustedTasks: {allow: []}\n`, /not valid YAML: .*unique/i],
  ['the wrong kind of document', GOOD.replace('kind: VerificationPolicy', 'kind: ClusterPolicy'), /kind must be VerificationPolicy/],
];

test('the good policy parses (the base every typo below is made in)', () => {
  const policy = parsePolicy(GOOD);
  assert.equal(policy.trustedTasks?.allow.length, 1);
  assert.equal(policy.bindings.length, 5);
  assert.deepEqual(policy.event.providers, ['github']);
});

test('a typo never weakens a policy: every one is POLICY_INVALID, naming the key', () => {
  for (const [what, text, message] of TYPOS) {
    assert.notEqual(text, GOOD, `${what}: the typo was made`);
    assert.throws(
      () => parsePolicy(text),
      (err: unknown) => {
        assert.ok(isProvenanceError(err, 'POLICY_INVALID'), `${what}: ${String(err)}`);
        assert.match(err.message, message, what);
        return true;
      },
      what,
    );
  }
});
