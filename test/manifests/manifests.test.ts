import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseConfig } from '../../signer/config/parse.ts';
import { parseParams } from '../../interceptor/protocol/params.ts';
import {
  EVENT_DIGEST_ANNOTATION,
  EVENT_KEYID_ANNOTATION,
  EVENT_SIGNATURE_ANNOTATION,
} from '../../signer/events/event-record.ts';
import { DEFAULT_SIGNER_SOCKET } from '../../signer/server/index.ts';

// Plain JSON views of the YAML: tests read deep paths, so `any` is the honest type here.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

const ROOT = join(import.meta.dirname, '../../manifests');
const NS = 'tekton-provenance';
const CORE_INTERCEPTORS = ['cel', 'github', 'gitlab', 'bitbucket', 'slack'];

function load(dir: string): Obj[] {
  const objects: Obj[] = [];
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('.yaml'))
    .sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, f), 'utf8'))) {
      assert.deepEqual(doc.errors, [], `${f} parses`);
      const o = doc.toJS() as Obj;
      if (o === null) continue;
      assert.ok(
        o.apiVersion && o.kind && o.metadata?.name,
        `${f}: every object has apiVersion, kind, metadata.name`,
      );
      objects.push({ ...o, __file: f });
    }
  }
  return objects;
}

const base = load(ROOT);
const examples = load(join(ROOT, 'examples'));
const find = (objs: Obj[], kind: string, name?: string): Obj[] =>
  objs.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
const one = (objs: Obj[], kind: string, name?: string): Obj => {
  const found = find(objs, kind, name);
  assert.equal(found.length, 1, `exactly one ${kind} ${name ?? ''}`);
  return found[0];
};

test('namespaced objects live in tekton-provenance', () => {
  const cluster = ['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'ClusterInterceptor'];
  for (const o of base) {
    if (cluster.includes(o.kind))
      assert.equal(o.metadata.namespace, undefined, `${o.kind} is cluster-scoped`);
    else assert.equal(o.metadata.namespace, NS, `${o.kind} ${o.metadata.name}`);
  }
  one(base, 'Namespace', NS);
  one(base, 'ServiceAccount', 'tekton-provenance');
});

test('the Deployment: two containers from one image, hardened, probed, sharing the socket', () => {
  const d = one(base, 'Deployment', 'tekton-provenance');
  const pod = d.spec.template.spec;
  assert.equal(pod.serviceAccountName, 'tekton-provenance');
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.equal(pod.securityContext.runAsUser, 65532);
  assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
  const names = pod.containers.map((c: Obj) => c.name);
  assert.deepEqual(names, ['interceptor', 'signer']);
  assert.equal(new Set(pod.containers.map((c: Obj) => c.image)).size, 1, 'one image');
  const socketDir = DEFAULT_SIGNER_SOCKET.slice(0, DEFAULT_SIGNER_SOCKET.lastIndexOf('/'));
  for (const c of pod.containers) {
    const sc = c.securityContext;
    assert.equal(sc.runAsNonRoot, true, c.name);
    assert.equal(sc.runAsUser, 65532, c.name);
    assert.equal(sc.readOnlyRootFilesystem, true, c.name);
    assert.equal(sc.allowPrivilegeEscalation, false, c.name);
    assert.deepEqual(sc.capabilities.drop, ['ALL'], c.name);
    assert.equal(sc.seccompProfile.type, 'RuntimeDefault', c.name);
    assert.ok(c.resources.requests.cpu && c.resources.requests.memory, `${c.name} requests`);
    assert.ok(c.resources.limits.cpu && c.resources.limits.memory, `${c.name} limits`);
    assert.ok(c.readinessProbe && c.livenessProbe, `${c.name} probes`);
    const env = Object.fromEntries(c.env.map((e: Obj) => [e.name, e.value]));
    assert.equal(env.TEKTON_PROVENANCE_SIGNER_SOCKET, DEFAULT_SIGNER_SOCKET, c.name);
    const mount = c.volumeMounts.find((m: Obj) => m.mountPath === socketDir);
    assert.equal(mount?.name, 'signer-socket', `${c.name} mounts the socket volume`);
  }
  const [interceptor, signer] = pod.containers;
  assert.deepEqual(interceptor.ports, [{ name: 'https', containerPort: 8443 }]);
  for (const [probe, path] of [
    [interceptor.readinessProbe, '/ready'],
    [interceptor.livenessProbe, '/live'],
  ]) {
    assert.deepEqual(probe.httpGet, { path, port: 8443, scheme: 'HTTPS' });
  }
  assert.ok(!signer.ports, 'the signer opens no port');
  assert.ok(
    !interceptor.volumeMounts.some((m: Obj) => m.name === 'signing-secrets'),
    'the interceptor has no key',
  );
  const keys = signer.volumeMounts.find((m: Obj) => m.name === 'signing-secrets');
  assert.equal(keys.mountPath, '/etc/signing-secrets');
  assert.equal(keys.readOnly, true);
  const volumes = Object.fromEntries(pod.volumes.map((v: Obj) => [v.name, v]));
  assert.ok(volumes['signer-socket'].emptyDir, 'socket on an emptyDir');
  assert.equal(volumes['signing-secrets'].secret.secretName, 'signing-secrets');
  assert.equal(
    volumes.state.persistentVolumeClaim.claimName,
    one(base, 'PersistentVolumeClaim').metadata.name,
  );
  assert.equal(d.spec.replicas, 1);
  assert.equal(d.spec.strategy.type, 'Recreate', 'never two pods on the SQLite file');
});

test('identities: the interceptor container has no API token, no key, no state; the signer alone has the token (both Deployments)', () => {
  for (const d of [one(base, 'Deployment', 'tekton-provenance'), one(load(join(ROOT, 'ha')), 'Deployment', 'tekton-provenance')]) {
    checkIdentities(d);
  }
});

function checkIdentities(d: Obj): void {
  const pod = d.spec.template.spec;
  assert.equal(one(base, 'ServiceAccount', 'tekton-provenance').automountServiceAccountToken, false);
  assert.equal(pod.automountServiceAccountToken, false, 'no token mounted into every container');
  const [interceptor, signer] = pod.containers;
  const volumes = Object.fromEntries(pod.volumes.map((v: Obj) => [v.name, v]));
  const sources = volumes['kube-api-access'].projected.sources;
  assert.ok(sources.some((s: Obj) => s.serviceAccountToken?.path === 'token'), 'a projected ServiceAccount token');
  const tokenDir = '/var/run/secrets/kubernetes.io/serviceaccount';
  assert.deepEqual(
    signer.volumeMounts.filter((m: Obj) => m.name === 'kube-api-access').map((m: Obj) => [m.mountPath, m.readOnly]),
    [[tokenDir, true]],
  );
  // The interceptor mounts exactly: the signing socket, the serving cert (read-only), /tmp.
  assert.deepEqual(
    interceptor.volumeMounts.map((m: Obj) => m.name).sort(),
    ['interceptor-tls', 'signer-socket', 'tmp'],
  );
  assert.ok(!interceptor.volumeMounts.some((m: Obj) => m.mountPath.startsWith('/var/run/secrets')));
  assert.equal(interceptor.volumeMounts.find((m: Obj) => m.name === 'interceptor-tls').readOnly, true);
  assert.equal(volumes['interceptor-tls'].emptyDir.medium, 'Memory');
  assert.ok(!interceptor.env.some((e: Obj) => e.valueFrom?.secretKeyRef), 'no Secret in its environment');
  assert.ok(!interceptor.envFrom, 'no Secret or ConfigMap wholesale');
}

test('NetworkPolicy: ingress to :8443 only from EventListener pods (the label Triggers sets)', () => {
  const np = one(base, 'NetworkPolicy', 'tekton-provenance-interceptor');
  const d = one(base, 'Deployment', 'tekton-provenance');
  for (const [k, v] of Object.entries(np.spec.podSelector.matchLabels)) assert.equal(d.spec.template.metadata.labels[k], v);
  assert.deepEqual(np.spec.policyTypes, ['Ingress']);
  assert.deepEqual(np.spec.ingress, [
    {
      from: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'app.kubernetes.io/managed-by': 'EventListener' } } }],
      ports: [{ protocol: 'TCP', port: 8443 }],
    },
  ]);
});

test('Service and ClusterInterceptor point at the interceptor; ours is never a core name', () => {
  const d = one(base, 'Deployment');
  const svc = one(base, 'Service', 'tekton-provenance-interceptor');
  for (const [k, v] of Object.entries(svc.spec.selector)) assert.equal(d.spec.template.metadata.labels[k], v);
  assert.deepEqual(
    svc.spec.ports.map((p: Obj) => p.targetPort),
    [8443],
  );
  const ci = one(base, 'ClusterInterceptor', 'tekton-provenance');
  assert.ok(!CORE_INTERCEPTORS.includes(ci.metadata.name));
  assert.equal(ci.metadata.labels['server/type'], 'https');
  const cc = ci.spec.clientConfig;
  assert.ok(!cc.caBundle, 'caBundle is left to the interceptor to patch');
  assert.deepEqual(cc.service, {
    name: svc.metadata.name,
    namespace: NS,
    path: '/',
    port: svc.spec.ports[0].port,
  });
  // The signer keeps the interceptor's TLS (cert SANs, caBundle): the names are its settings.
  const env = Object.fromEntries(d.spec.template.spec.containers[1].env.map((e: Obj) => [e.name, e.value]));
  assert.equal(env.TEKTON_PROVENANCE_CLUSTER_INTERCEPTOR, ci.metadata.name);
  assert.equal(env.TEKTON_PROVENANCE_SERVICE, svc.metadata.name);
});

test('RBAC is least privilege: no Secret is readable cluster-wide, our ClusterInterceptor by name', () => {
  const secretRoles = find(base, 'ClusterRole').filter((r: Obj) => r.rules.some((rule: Obj) => rule.resources.includes('secrets')));
  assert.deepEqual(secretRoles.map((r: Obj) => r.metadata.name), ['tekton-provenance-webhook-secrets']);
  for (const b of find(base, 'ClusterRoleBinding')) {
    assert.notEqual(b.roleRef.name, 'tekton-provenance-webhook-secrets', 'bound per namespace, never cluster-wide');
  }
  const own = one(base, 'Role', 'tekton-provenance');
  for (const rule of own.rules.filter((r: Obj) => r.resources.includes('secrets'))) {
    if (rule.verbs.some((v: string) => ['update'].includes(v))) {
      assert.deepEqual(rule.resourceNames, ['tekton-provenance-interceptor-tls'], 'only the TLS Secret is ever replaced whole (the event store patches and deletes its own)');
    }
  }
  for (const role of [...find(base, 'ClusterRole'), ...find(base, 'Role')]) {
    for (const rule of role.rules) {
      for (const field of ['apiGroups', 'resources', 'verbs']) {
        assert.ok(!rule[field].includes('*'), `${role.metadata.name}: no wildcard ${field}`);
      }
      if (role.kind === 'ClusterRole' && rule.resources.includes('secrets')) {
        assert.deepEqual(rule.verbs, ['get'], 'no list/watch/write of Secrets cluster-wide');
      }
      if (rule.resources.includes('clusterinterceptors')) {
        assert.deepEqual(rule.resourceNames, ['tekton-provenance']);
        assert.ok(!rule.verbs.includes('delete') && !rule.verbs.includes('create'));
      }
    }
  }
  for (const b of [...find(base, 'ClusterRoleBinding'), ...find(base, 'RoleBinding')]) {
    assert.deepEqual(b.subjects, [{ kind: 'ServiceAccount', name: 'tekton-provenance', namespace: NS }]);
    const roleKind = b.kind === 'RoleBinding' ? 'Role' : 'ClusterRole';
    one(base, roleKind, b.roleRef.name);
  }
});

test('the ConfigMap holds Chains-compatible keys the config parser accepts; the key Secret is a placeholder', () => {
  const cm = one(base, 'ConfigMap', 'tekton-provenance-config');
  const config = parseConfig({ ours: cm.data });
  assert.deepEqual(config.formats, ['in-toto']);
  const secret = one(base, 'Secret', 'signing-secrets');
  assert.equal(secret.data, undefined, 'no key material in the repository');
  assert.equal(secret.stringData, undefined);
});

test('examples: Triggers chain our interceptor with valid params; bindings cover the template params', () => {
  const template = one(examples, 'TriggerTemplate', 'build-with-provenance');
  const declared: string[] = template.spec.params.map((p: Obj) => p.name);
  const used = new Set(
    [...JSON.stringify(template.spec.resourcetemplates).matchAll(/\$\(tt\.params\.([\w-]+)\)/g)].map(
      (m) => m[1],
    ),
  );
  assert.deepEqual([...used].sort(), [...declared].sort(), 'every declared param is used and vice versa');
  const annotations = template.spec.resourcetemplates[0].metadata.annotations;
  assert.equal(annotations[EVENT_DIGEST_ANNOTATION], '$(tt.params.event-digest)');
  assert.equal(annotations[EVENT_SIGNATURE_ANNOTATION], '$(tt.params.event-signature)');
  assert.equal(annotations[EVENT_KEYID_ANNOTATION], '$(tt.params.event-keyid)');
  const provenance = one(examples, 'TriggerBinding', 'provenance');
  assert.deepEqual(provenance.spec.params, [
    { name: 'event-digest', value: '$(extensions.provenance.digest)' },
    { name: 'event-signature', value: '$(extensions.provenance.signature)' },
    { name: 'event-keyid', value: '$(extensions.provenance.keyid)' },
  ]);
  const triggers = find(examples, 'Trigger');
  assert.ok(triggers.length >= 4);
  for (const t of triggers) {
    assert.equal(t.spec.template.ref, template.metadata.name, t.metadata.name);
    const bound = t.spec.bindings.flatMap((b: Obj) =>
      one(examples, 'TriggerBinding', b.ref).spec.params.map((p: Obj) => p.name),
    );
    // Every param without a default is bound exactly once (output-image has a default).
    const needed = template.spec.params.filter((p: Obj) => p.default === undefined).map((p: Obj) => p.name);
    assert.deepEqual(
      bound.sort(),
      [...needed].sort(),
      `${t.metadata.name} binds every template param without a default once`,
    );
    const ours = t.spec.interceptors.filter((i: Obj) => i.ref.name === 'tekton-provenance');
    assert.equal(ours.length, 1, `${t.metadata.name} chains our interceptor`);
    assert.equal(t.spec.interceptors.at(-1), ours[0], 'ours runs last, after any authenticity check');
    const params = Object.fromEntries(ours[0].params.map((p: Obj) => [p.name, p.value]));
    parseParams(params); // the interceptor accepts them
    assert.notEqual(params.provider, 'none', `${t.metadata.name}: our interceptor checks authenticity itself`);
    assert.ok(params.secretRef, `${t.metadata.name}: names its webhook Secret`);
  }
  // Every webhook Secret opts in by label; the namespace opts in by binding the read role.
  for (const s of find(examples, 'Secret')) {
    assert.equal(s.metadata.labels['tekton-provenance.dev/webhook-secret'], 'true', s.metadata.name);
  }
  const binding = one(examples, 'RoleBinding', 'tekton-provenance-webhook-secrets');
  assert.equal(binding.metadata.namespace, 'ci');
  assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'tekton-provenance-webhook-secrets' });
  assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'tekton-provenance', namespace: NS }]);
  const listener = one(examples, 'EventListener');
  for (const ref of listener.spec.triggers) one(examples, 'Trigger', ref.triggerRef);
});

test('the HA set-up: three replicas on PostgreSQL, spread, a PodDisruptionBudget, readiness on the store', () => {
  const ha = load(join(ROOT, 'ha'));
  for (const o of ha) assert.equal(o.metadata.namespace, NS, `${o.kind} ${o.metadata.name}`);
  const d = one(ha, 'Deployment', 'tekton-provenance');
  const baseDeployment = one(base, 'Deployment', 'tekton-provenance');
  assert.equal(d.spec.replicas, 3);
  assert.equal(d.spec.strategy.type, 'RollingUpdate');
  const pod = d.spec.template.spec;
  // The same pod as the base but for the store: containers, images, hardening, socket.
  assert.deepEqual(pod.securityContext, baseDeployment.spec.template.spec.securityContext);
  assert.deepEqual(pod.containers.map((c: Obj) => [c.name, c.image, c.securityContext]), baseDeployment.spec.template.spec.containers.map((c: Obj) => [c.name, c.image, c.securityContext]));
  const anti = pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0];
  assert.equal(anti.topologyKey, 'kubernetes.io/hostname');
  assert.deepEqual(anti.labelSelector.matchLabels, d.spec.selector.matchLabels);
  const pdb = one(ha, 'PodDisruptionBudget', 'tekton-provenance');
  assert.deepEqual(pdb.spec.selector.matchLabels, d.spec.selector.matchLabels);
  assert.ok(pdb.spec.minAvailable >= 2 && pdb.spec.minAvailable < d.spec.replicas);
  const signer = pod.containers.find((c: Obj) => c.name === 'signer');
  const env = Object.fromEntries(signer.env.map((e: Obj) => [e.name, e]));
  assert.equal(env.TEKTON_PROVENANCE_EVENT_STORE.value, 'postgres');
  assert.equal(env.TEKTON_PROVENANCE_POSTGRES_URL.valueFrom.secretKeyRef.name, 'tekton-provenance-postgres');
  assert.equal(env.TEKTON_PROVENANCE_CONTROLLER.value, 'true', 'every replica runs the controller; the Lease elects one');
  assert.ok(env.POD_NAME.valueFrom.fieldRef, 'leader identity');
  const secret = one(ha, 'Secret', 'tekton-provenance-postgres');
  assert.ok(!/:[^@/]*@/.test(secret.stringData.url), 'no password in the URL');
  const mount = signer.volumeMounts.find((m: Obj) => m.name === 'postgres-password');
  assert.equal(`${mount.mountPath}/password`, env.TEKTON_PROVENANCE_POSTGRES_PASSWORD_FILE.value);
  assert.ok(!pod.volumes.some((v: Obj) => v.persistentVolumeClaim), 'no ReadWriteOnce volume');
  assert.deepEqual(signer.readinessProbe.exec.command, ['node', 'signer/main/healthcheck.ts']);
  assert.deepEqual(signer.livenessProbe.exec.command, ['node', 'signer/main/healthcheck.ts', '--live']);
});
