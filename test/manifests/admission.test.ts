// manifests/admission/: what a cluster admin applies for the admission webhook, checked
// against the code it configures (routes, flags, CRD fields, least-privilege RBAC).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ADMISSION_KEYS, parseVerificationPolicy } from '../../admission/policy/parse.ts';
import { EVENT_KEYS, TOP_KEYS } from '../../signer/verify/policy/parse-policy.ts';
import { ENFORCE_LABEL } from '../../admission/review/scope.ts';
import { SUPPORTED_KINDS } from '../../admission/workload/pod-specs.ts';
import { shipped } from '../admission/support/cluster.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
const NS = 'tekton-provenance';
const all = ['00-crd.yaml', '10-serviceaccount.yaml', '20-rbac.yaml', '30-deployment.yaml', '40-service.yaml', '50-webhooks.yaml'].flatMap(shipped);
const one = (kind: string): any => {
  const found = all.filter((o) => o.kind === kind);
  assert.equal(found.length, 1, kind);
  return found[0];
};

test('both webhooks: fail closed, 10 s, the enforce label, never kube-system or our namespace, our routes', () => {
  const deployment = one('Deployment');
  const args: string[] = deployment.spec.template.spec.containers[0].args;
  assert.ok(args.includes('--timeout=10s'));
  for (const [kind, path] of [['MutatingWebhookConfiguration', '/mutate'], ['ValidatingWebhookConfiguration', '/validate']] as const) {
    const hook = one(kind).webhooks[0];
    assert.equal(hook.failurePolicy, 'Fail');
    assert.equal(hook.timeoutSeconds, 10);
    assert.equal(hook.sideEffects, 'None');
    assert.deepEqual(hook.admissionReviewVersions, ['v1']);
    assert.equal(hook.clientConfig.service.path, path);
    assert.equal(hook.clientConfig.service.name, one('Service').metadata.name);
    assert.equal(hook.namespaceSelector.matchLabels[ENFORCE_LABEL], 'true');
    assert.deepEqual(hook.namespaceSelector.matchExpressions[0].values, ['kube-system', NS]);
    const resources = hook.rules.flatMap((r: any) => r.resources);
    for (const r of ['pods', 'deployments', 'statefulsets', 'daemonsets', 'replicasets', 'jobs', 'cronjobs']) assert.ok(resources.includes(r), `${kind} ${r}`);
    assert.equal(SUPPORTED_KINDS.length, 7);
  }
});

test('the Deployment runs tkn-provenance admission from the same image as the main Deployment', () => {
  const main = parseAllDocuments(readFileSync(join(import.meta.dirname, '../../manifests/50-deployment.yaml'), 'utf8'))[0]!.toJS() as any;
  const c = one('Deployment').spec.template.spec.containers[0];
  assert.equal(c.image, main.spec.template.spec.containers[0].image);
  assert.deepEqual(c.command, ['node', 'signer/cli/tkn-provenance.ts', 'admission']);
  assert.equal(one('Deployment').spec.template.spec.serviceAccountName, one('ServiceAccount').metadata.name);
  assert.equal(c.securityContext.readOnlyRootFilesystem, true);
});

test('RBAC is least privilege: no wildcards, Secrets get only, webhook configurations by name', () => {
  const role = all.find((o) => o.kind === 'ClusterRole');
  for (const rule of role.rules) {
    assert.ok(!rule.verbs.includes('*') && !rule.resources.includes('*'), JSON.stringify(rule));
    if (rule.resources.includes('secrets')) assert.deepEqual(rule.verbs, ['get']);
    if (rule.apiGroups.includes('admissionregistration.k8s.io')) assert.deepEqual(rule.resourceNames, ['tekton-provenance-admission']);
  }
  const tls = all.find((o) => o.kind === 'Role' && o.metadata.name === 'tekton-provenance-admission-tls');
  assert.deepEqual(tls.rules[1].resourceNames, ['tekton-provenance-admission-tls']);
  // trusted roots: ConfigMaps read in our namespace only (a Role, not the ClusterRole)
  const trust = all.find((o) => o.kind === 'Role' && o.metadata.name === 'tekton-provenance-admission-trust');
  assert.equal(trust.metadata.namespace, NS);
  assert.deepEqual(trust.rules, [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]);
  assert.ok(!role.rules.some((r: any) => r.resources.includes('configmaps')), 'no cluster-wide ConfigMap read');
});

test('the CRD is cluster-scoped with a schema naming every field the parser accepts', () => {
  const crd = one('CustomResourceDefinition');
  assert.equal(crd.metadata.name, 'verificationpolicies.tekton-provenance.dev');
  assert.equal(crd.spec.scope, 'Cluster');
  const spec = crd.spec.versions[0].schema.openAPIV3Schema.properties.spec;
  assert.equal(spec.additionalProperties, false);
  // Exactly what the parsers read: a field the schema lacks is pruned by the API server before
  // the webhook sees it (a quietly weaker policy); one the parser lacks is refused.
  assert.deepEqual(Object.keys(spec.properties).sort(), [...ADMISSION_KEYS, ...TOP_KEYS].sort());
  assert.deepEqual(Object.keys(spec.properties.keys.items.properties).sort(), ['keyless', 'kms', 'pem', 'secretRef']);
  assert.deepEqual(Object.keys(spec.properties.event.properties).sort(), [...EVENT_KEYS].sort());
  assert.deepEqual(Object.keys(spec.properties.event.properties.identity.properties).sort(), Object.keys(spec.properties.keys.items.properties.keyless.properties).sort());
  // docs/admission.md's example policy parses.
  const doc = readFileSync(join(import.meta.dirname, '../../docs/admission.md'), 'utf8');
  const yaml = /```yaml\n(apiVersion: tekton-provenance\.dev[\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(yaml);
  const example = parseAllDocuments(yaml)[0]!.toJS() as any;
  assert.equal(parseVerificationPolicy(example, NS).mode, 'enforce');
});
