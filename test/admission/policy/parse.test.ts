import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globToRegExp, matchesAny } from '../../../admission/policy/glob.ts';
import { parseOrInvalid, parseVerificationPolicy } from '../../../admission/policy/parse.ts';
import { selectorMatches } from '../../../admission/policy/selector.ts';
import { parseImageRef, pinnedRef } from '../../../admission/workload/image-ref.ts';
import { podTemplateOf } from '../../../admission/workload/pod-specs.ts';
import { isProvenanceError } from '../../../signer/errors.ts';

const PEM = '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n';
const obj = (spec: Record<string, unknown>) => ({ metadata: { name: 'p', uid: 'u', generation: 3 }, spec });
const invalid = (spec: Record<string, unknown>, re: RegExp) =>
  assert.throws(() => parseVerificationPolicy(obj(spec), 'tp'), (e) => isProvenanceError(e, 'POLICY_INVALID') && re.test(e.message));

test('a VerificationPolicy: admission fields, keys of three kinds, and the verify policy under spec', () => {
  const p = parseVerificationPolicy(obj({
    images: ['reg.example/shop/*'], mode: 'warn', namespaceSelector: { matchLabels: { team: 'shop' } },
    keys: [{ pem: PEM }, { secretRef: { name: 'keys' } }, { kms: 'awskms:///alias/tp' }],
    builderId: 'https://tekton.dev/chains/v2', trustedTasks: { allow: [{ name: 'git-clone', kind: 'Task' }] },
  }), 'tekton-provenance');
  assert.equal(p.generation, 3);
  assert.equal(p.mode, 'warn');
  assert.deepEqual(p.keys[1], { kind: 'secretRef', name: 'keys', namespace: 'tekton-provenance', key: 'cosign.pub' });
  assert.deepEqual(p.keys[2], { kind: 'kms', uri: 'awskms:///alias/tp' });
  assert.equal(p.policy.builderId, 'https://tekton.dev/chains/v2');
  assert.equal(p.policy.trustedTasks?.allow.length, 1);
  assert.deepEqual(parseVerificationPolicy(obj({ keys: [{ pem: PEM }] }), 'tp').images, ['**']);
});

test('strict: a typo, a wrong mode, no keys or a two-kind key is POLICY_INVALID naming the field', () => {
  invalid({ keys: [{ pem: PEM }], trustedTask: {} }, /unknown field\(s\) trustedTask/);
  invalid({ keys: [{ pem: PEM }], mode: 'audit' }, /spec\.mode must be enforce or warn/);
  invalid({}, /spec\.keys must list at least one key/);
  invalid({ keys: [{ pem: PEM, kms: 'awskms:///x' }] }, /exactly one of pem, secretRef, kms/);
  invalid({ keys: [{ pem: PEM }], namespaceSelector: { matchExpressions: [{ key: 'a', operator: 'Maybe' }] } }, /needs key and operator/);
  invalid({ keys: [{ pem: PEM }], trustedTasks: { allow: [{ bundle: 'gcr.io/x/y:latest' }] } }, /must be pinned by digest/);
  const kept = parseOrInvalid(obj({ images: ['a/*'], keys: [{ pem: PEM }], trustedTask: {} }), 'tp');
  assert.match(kept.invalid ?? '', /trustedTask/);
  assert.deepEqual(kept.images, ['a/*'], 'an invalid policy still governs (and denies) its images');
});

test('globs: * stays within a path segment, ** crosses them', () => {
  assert.ok(globToRegExp('reg.example/shop/*').test('reg.example/shop/app'));
  assert.ok(!globToRegExp('reg.example/shop/*').test('reg.example/shop/sub/app'));
  assert.ok(globToRegExp('reg.example/**').test('reg.example/shop/sub/app'));
  assert.ok(!globToRegExp('reg.example/shop/*').test('reg.example/shopping/app'));
  assert.ok(matchesAny(['index.docker.io/library/*'], ['nginx', 'nginx', 'index.docker.io/library/nginx']));
});

test('label selectors as Kubernetes evaluates them', () => {
  const labels = { team: 'shop', tier: 'prod' };
  assert.ok(selectorMatches({}, labels));
  assert.ok(selectorMatches({ matchLabels: { team: 'shop' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['prod'] }] }, labels));
  assert.ok(!selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['prod'] }] }, labels));
  assert.ok(selectorMatches({ matchExpressions: [{ key: 'x', operator: 'DoesNotExist' }] }, labels));
  assert.ok(!selectorMatches({ matchExpressions: [{ key: 'x', operator: 'Exists' }] }, labels));
});

test('image references: tag and digest apart, pinned form keeps the tag', () => {
  const r = parseImageRef('localhost:5000/team/app:v1');
  assert.deepEqual([r.name, r.tag, r.canonical], ['localhost:5000/team/app', 'v1', 'localhost:5000/team/app']);
  assert.equal(pinnedRef(r, `sha256:${'a'.repeat(64)}`), `localhost:5000/team/app:v1@sha256:${'a'.repeat(64)}`);
  assert.equal(parseImageRef('nginx').canonical, 'index.docker.io/library/nginx');
  assert.throws(() => parseImageRef('app@sha256:short'), (e) => isProvenanceError(e, 'BAD_IMAGE_REFERENCE'));
});

test('pod templates of every supported kind, with every container list', () => {
  const spec = { initContainers: [{ name: 'i', image: 'a' }], containers: [{ name: 'c', image: 'b' }], ephemeralContainers: [{ name: 'e', image: 'c' }], imagePullSecrets: [{ name: 'pull' }] };
  assert.deepEqual(podTemplateOf('Pod', { spec })?.slots.map((s) => s.path), ['/spec/initContainers/0/image', '/spec/containers/0/image', '/spec/ephemeralContainers/0/image']);
  const cron = podTemplateOf('CronJob', { spec: { jobTemplate: { spec: { template: { spec } } } } });
  assert.equal(cron?.slots[1]?.path, '/spec/jobTemplate/spec/template/spec/containers/0/image');
  assert.deepEqual([cron?.imagePullSecrets, cron?.serviceAccountName], [['pull'], 'default']);
  for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']) {
    assert.equal(podTemplateOf(kind, { spec: { template: { spec } } })?.slots.length, 3, kind);
  }
  assert.equal(podTemplateOf('ConfigMap', { spec }), undefined);
});

test('keyless: {issuer, subject | subjectRegExp} with a trustedRootRef (a ConfigMap key in our namespace)', () => {
  const p = parseVerificationPolicy(obj({
    keys: [{ pem: PEM }, { keyless: { issuer: 'https://oidc.example', subjectRegExp: '^https://kubernetes\\.io/namespaces/ci/' } }],
    trustedRootRef: { name: 'sigstore' },
    transparency: 'required',
  }), 'tp');
  assert.deepEqual(p.keys[1], { kind: 'keyless', identity: { issuer: 'https://oidc.example', identityRegExp: '^https://kubernetes\\.io/namespaces/ci/' } });
  assert.deepEqual(p.trustedRootRef, { name: 'sigstore', key: 'trusted_root.json' });
  assert.equal(p.policy.transparency, 'required');
  const subject = parseVerificationPolicy(obj({ keys: [{ keyless: { issuer: 'https://i', subject: 'https://s' } }], trustedRootRef: { name: 'r', key: 'root.json' } }), 'tp');
  assert.deepEqual(subject.keys[0], { kind: 'keyless', identity: { issuer: 'https://i', identity: 'https://s' } });
  assert.deepEqual(subject.trustedRootRef, { name: 'r', key: 'root.json' });
  invalid({ keys: [{ keyless: { issuer: 'https://i', subject: 'https://s' } }] }, /keyless key needs spec\.trustedRootRef/);
  invalid({ keys: [{ keyless: { subject: 'https://s' } }], trustedRootRef: { name: 'r' } }, /keyless\.issuer is required/);
  invalid({ keys: [{ keyless: { issuer: 'https://i' } }], trustedRootRef: { name: 'r' } }, /exactly one of subject, subjectRegExp/);
  invalid({ keys: [{ keyless: { issuer: 'https://i', subject: 'a', subjectRegExp: 'b' } }], trustedRootRef: { name: 'r' } }, /exactly one of subject, subjectRegExp/);
  invalid({ keys: [{ keyless: { issuer: 'https://i', subjectRegExp: '(' } }], trustedRootRef: { name: 'r' } }, /subjectRegExp: /);
  invalid({ keys: [{ keyless: { issuer: 'https://i', subject: 's', audience: 'x' } }], trustedRootRef: { name: 'r' } }, /unknown field\(s\) audience/);
  invalid({ keys: [{ keyless: { issuer: 'https://i', subject: 's' } }, { keyless: { issuer: 'https://j', subject: 't' } }], trustedRootRef: { name: 'r' } }, /one keyless entry/);
  invalid({ keys: [{ pem: PEM }], trustedRootRef: { name: 'r', namespace: 'kube-system' } }, /unknown field\(s\) namespace/);
});
