import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { startKubeApiServer } from '../harness/kube/index.ts';
import type { KubeApiServer } from '../harness/kube/index.ts';
import { BINDING_PRESETS } from '../../signer/verify/policy/presets.ts';

// Issue 14, items 3 and 4: the README's install block and docs/deploy.md's are one and the
// same, and on a fresh cluster (NamespaceLifecycle on: nothing goes into a namespace that does
// not exist) every step applies with the real `kubectl`, the examples included.
/* eslint-disable @typescript-eslint/no-explicit-any */
const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const COSIGN = 'cosign generate-key-pair k8s://tekton-provenance/signing-secrets';

/** The first ```sh block after `heading` in a markdown file, as command lines (comment-only lines dropped). */
function installBlock(file: string, heading: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const from = text.indexOf(heading);
  assert.ok(from >= 0, `${file} has "${heading}"`);
  const block = /```sh\n([\s\S]*?)```/.exec(text.slice(from));
  assert.ok(block, `${file}: a sh block after "${heading}"`);
  return (block[1] as string).split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
}

let kube: KubeApiServer;
let dir: string;
let env: NodeJS.ProcessEnv;
before(async () => {
  kube = await startKubeApiServer({ requireNamespaces: true });
  dir = mkdtempSync(join(tmpdir(), 'install-path-'));
  env = { ...process.env, KUBECONFIG: kube.kubeconfigPath, PATH: `${dir}:${process.env.PATH ?? ''}` };
  await oldKubectlShim();
});
after(async () => {
  await kube.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The test server serves OpenAPI v3 only (test/harness/kube/openapi.ts). kubectl 1.27 and later
 * use it to leave field validation to the server; older ones (Debian's kubernetes-client is
 * 1.20) want v2 protobuf schemas, so for them `apply` gets --validate=false via a shim on PATH.
 */
async function oldKubectlShim(): Promise<void> {
  const { stdout } = await run('kubectl', ['version', '--client', '-o', 'json']);
  const minor = Number.parseInt((JSON.parse(stdout) as { clientVersion: { minor: string } }).clientVersion.minor, 10);
  if (minor >= 27) return;
  const real = (await run('sh', ['-c', 'command -v kubectl'])).stdout.trim();
  writeFileSync(join(dir, 'kubectl'), `#!/bin/sh\nif [ "$1" = apply ]; then shift; exec ${real} apply --validate=false "$@"; fi\nexec ${real} "$@"\n`);
  chmodSync(join(dir, 'kubectl'), 0o755);
}

async function sh(line: string): Promise<string> {
  try {
    const { stdout, stderr } = await run('sh', ['-c', line], { cwd: ROOT, env, timeout: 60_000 });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    assert.fail(`${line}\n${e.stderr ?? ''}${e.stdout ?? ''}${e.message}`);
  }
}

test('README and docs/deploy.md give the same install block', () => {
  const readme = installBlock('README.md', '## Install on a cluster');
  const deploy = installBlock('docs/deploy.md', '## Install, in order');
  assert.deepEqual(readme, deploy);
  assert.ok(readme[0]?.startsWith('kubectl apply -f manifests/00-namespace.yaml'), 'the namespace first');
  assert.ok(readme[1]?.startsWith(COSIGN), 'then the key, before the Deployment');
});

test('on a fresh cluster every install step applies with kubectl, and the key survives the placeholder Secret', async () => {
  const steps = installBlock('README.md', '## Install on a cluster');
  for (const line of steps) {
    if (line.startsWith(COSIGN)) {
      // What cosign writes (pkg/cosign/kubernetes/secret.go): a Secret with these three keys.
      await sh('kubectl -n tekton-provenance create secret generic signing-secrets --from-literal=cosign.key=ENCRYPTED --from-literal=cosign.pub=PUBLIC --from-literal=cosign.password=pw');
      continue;
    }
    if (line.includes('caBundle')) {
      // What the interceptor does once it is ready: patch its CA in.
      const ci = kube.objects.get('triggers.tekton.dev/v1alpha1', 'ClusterInterceptor', undefined, 'tekton-provenance') as any;
      ci.spec.clientConfig.caBundle = Buffer.from('-----BEGIN CERTIFICATE-----').toString('base64');
      kube.objects.put(ci);
    }
    await sh(line);
  }
  const secret = kube.objects.get('v1', 'Secret', 'tekton-provenance', 'signing-secrets') as any;
  assert.equal(Buffer.from(secret.data['cosign.key'], 'base64').toString(), 'ENCRYPTED', 'applying 31-signing-secrets.yaml kept the key');
  for (const [apiVersion, kind, ns, name] of [
    ['v1', 'Namespace', undefined, 'ci'],
    ['v1', 'ServiceAccount', 'ci', 'tekton-triggers-example-sa'],
    ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'ci', 'triggers-example-eventlistener-binding'],
    ['tekton.dev/v1beta1', 'Pipeline', 'ci', 'build'],
    ['triggers.tekton.dev/v1beta1', 'EventListener', 'ci', 'provenance-listener'],
    ['triggers.tekton.dev/v1beta1', 'TriggerTemplate', 'ci', 'build-with-provenance'],
  ] as const) {
    assert.ok(kube.objects.get(apiVersion, kind, ns, name), `${kind} ${ns ?? ''}/${name} was applied`);
  }
});

test('the test server refuses what a fresh cluster refuses: a Trigger before its namespace', async () => {
  const fresh = await startKubeApiServer({ requireNamespaces: true });
  try {
    await assert.rejects(
      run('kubectl', ['apply', '-f', 'manifests/examples/trigger-github-direct.yaml'], { cwd: ROOT, env: { ...env, KUBECONFIG: fresh.kubeconfigPath } }),
      (err: { stderr: string }) => /namespaces "ci" not found/.test(err.stderr),
    );
  } finally {
    await fresh.close();
  }
});

test('the example PipelineRun passes the Pipeline `build` exactly its params, and the presets know the git ones', () => {
  const docs = (f: string) => parseAllDocuments(readFileSync(join(ROOT, 'manifests/examples', f), 'utf8')).map((d) => d.toJS() as any);
  const pipeline = docs('20-pipeline-build.yaml')[0];
  const template = docs('triggertemplate.yaml')[0];
  const pr = template.spec.resourcetemplates[0];
  assert.equal(pr.spec.pipelineRef.name, pipeline.metadata.name);
  const passed = pr.spec.params.map((p: any) => p.name).sort();
  assert.deepEqual(passed, pipeline.spec.params.map((p: any) => p.name).sort());
  const presetParams = new Set(BINDING_PRESETS['github-push']!.filter((r) => r.run.kind === 'param').map((r) => r.run.name));
  const git = passed.filter((n: string) => n.startsWith('git-'));
  assert.deepEqual(git, ['git-repo', 'git-revision']);
  for (const n of git) assert.ok(presetParams.has(n), `preset github-push binds ${n}`);
  assert.deepEqual(pr.spec.workspaces.map((w: any) => w.name), pipeline.spec.workspaces.map((w: any) => w.name));
});

test('every signing-secrets example names the namespace the Deployment runs in (keygen --help, docs)', async () => {
  const { main } = await import('../../signer/cli/main.ts');
  let help = '';
  const sink = { write: (s: string) => ((help += s), true) } as unknown as NodeJS.WritableStream;
  await main(['keygen', '--help'], { stdout: sink, stderr: sink, env: {}, cwd: ROOT });
  const deployment = parseAllDocuments(readFileSync(join(ROOT, 'manifests/50-deployment.yaml'), 'utf8'))[0]!.toJS() as any;
  const texts = [help, ...['README.md', 'docs/cli.md', 'docs/deploy.md', 'docs/signing.md', 'docs/config.md'].map((f) => readFileSync(join(ROOT, f), 'utf8'))];
  const named = texts.flatMap((t) => [...t.matchAll(/signing-secrets -n ([\w-]+)|-n ([\w-]+) create secret generic signing-secrets|k8s:\/\/([\w-]+)\/signing-secrets/g)].map((m) => m[1] ?? m[2] ?? m[3]));
  assert.ok(named.length >= 3, `found ${named.length} examples`);
  assert.deepEqual([...new Set(named)], [deployment.metadata.namespace]);
  assert.match(help, /tekton-provenance/);
});
