import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVENT_PROVIDERS, parsePolicy, parseDuration } from '../../../signer/verify/policy/parse-policy.ts';
import { defaultWebhookProviders } from '../../../interceptor/webhooks/index.ts';
import { isProvenanceError } from '../../../signer/errors.ts';

const DIGEST = 'a'.repeat(64);

test('a full policy parses, presets expand and bundles are split into repo + digest', () => {
  const policy = parsePolicy(`
apiVersion: tekton-provenance.dev/v1alpha1
kind: VerificationPolicy
spec:
  builderId: https://tekton.dev/chains/v2
  maxAge: 720h
  event:
    providers: [github]
  bindings:
    presets: [github-push]
    rules:
      - param: image-name
        event: repository.full_name
  trustedTasks:
    allow:
      - name: git-clone
        bundle: gcr.io/tekton-releases/catalog/upstream/git-clone:0.9@sha256:${DIGEST}
      - source: git+https://github.com/tektoncd/catalog.git
        sourceDigest: sha1:${'b'.repeat(40)}
`);
  assert.equal(policy.builderId, 'https://tekton.dev/chains/v2');
  assert.equal(policy.maxAgeMs, 720 * 3600 * 1000);
  assert.deepEqual(policy.event, { required: true, providers: ['github'], triggers: [] });
  assert.equal(policy.bindings.length, 6);
  assert.deepEqual(policy.bindings[5], {
    name: 'param image-name = repository.full_name',
    run: { kind: 'param', name: 'image-name' },
    event: 'repository.full_name',
    compare: 'exact',
    optional: false,
  });
  assert.deepEqual(policy.trustedTasks?.allow[0], {
    name: 'git-clone',
    bundle: 'gcr.io/tekton-releases/catalog/upstream/git-clone',
    bundleDigest: `sha256:${DIGEST}`,
  });
  assert.equal(policy.trustedTasks?.requirePinnedBundles, true);
});

test('policy mistakes are POLICY_INVALID errors that name the field', () => {
  const cases: [string, RegExp][] = [
    ['bogus: 1', /policy: unknown field\(s\) bogus/],
    ['maxAge: soon', /maxAge "soon" is not a duration/],
    ['bindings: {presets: [svn-push]}', /unknown preset "svn-push"/],
    ['bindings: {rules: [{param: a, result: b, event: x}]}', /exactly one of param, result, material/],
    ['bindings: {rules: [{param: a}]}', /bindings.rules\[0\].event .* is required/],
    ['bindings: {rules: [{param: a, event: "a..b"}]}', /not a dotted path/],
    ['trustedTasks: {allow: [{bundle: "reg/x:1"}]}', /must be pinned by digest/],
    ['trustedTasks: {allow: [{kind: Task}]}', /at least one of name, bundle, source/],
    ['event: {required: "yes"}', /event.required must be true or false/],
    ['[1, 2]', /policy must be a mapping/],
    ['a: [', /not valid YAML/],
  ];
  for (const [yaml, message] of cases) {
    assert.throws(
      () => parsePolicy(yaml),
      (err: unknown) => isProvenanceError(err, 'POLICY_INVALID') && message.test(err.message),
      yaml,
    );
  }
});

test('an empty file is an error; `{}` asks for the default policy explicitly', () => {
  for (const empty of ['', '# only a comment\n', '---\n']) {
    assert.throws(() => parsePolicy(empty), (err: unknown) => isProvenanceError(err, 'POLICY_INVALID') && /the policy file is empty/.test(err.message), JSON.stringify(empty));
  }
  const policy = parsePolicy('{}');
  assert.equal(policy.event.required, true);
  assert.deepEqual(policy.bindings, []);
  assert.equal(policy.trustedTasks, undefined);
});

test('the providers the policy accepts are the interceptor\'s webhook providers', () => {
  assert.deepEqual([...EVENT_PROVIDERS].sort(), defaultWebhookProviders().names().sort());
});

test('durations', () => {
  assert.equal(parseDuration('90m'), 90 * 60 * 1000);
  assert.equal(parseDuration('30d'), 30 * 86400 * 1000);
  assert.equal(parseDuration('1.5h'), 1.5 * 3600 * 1000);
});

test('event.identity and event.transparency: the keyless event record\'s signer and log requirement (verify-event)', () => {
  const p = parsePolicy(`
event:
  identity:
    subject: https://kubernetes.io/namespaces/tekton-provenance/serviceaccounts/tekton-provenance
    issuer: https://kubernetes.default.svc
  transparency: required
`);
  assert.deepEqual(p.event.identity, { issuer: 'https://kubernetes.default.svc', subject: 'https://kubernetes.io/namespaces/tekton-provenance/serviceaccounts/tekton-provenance' });
  assert.equal(p.event.transparency, 'required');
  assert.equal(parsePolicy('event: {identity: {subjectRegExp: "^https://kubernetes.io/", issuer: x}}').event.identity?.subjectRegExp, '^https://kubernetes.io/');
  for (const [text, message] of [
    ['event: {identity: {subject: a}}', /event\.identity\.issuer/],
    ['event: {identity: {subject: a, subjectRegExp: b, issuer: c}}', /exactly one of subject, subjectRegExp/],
    ['event: {identity: {subjectRegExp: "(", issuer: c}}', /subjectRegExp/],
    ['event: {identity: {subject: a, issuer: c, email: d}}', /email/],
    ['event: {transparency: always}', /event\.transparency must be required or optional/],
  ] as const) assert.throws(() => parsePolicy(text), (err: unknown) => isProvenanceError(err, 'POLICY_INVALID') && message.test(err.message), text);
});
