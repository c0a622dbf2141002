import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseDockerConfig } from '../../storage/oci/credentials.ts';
import { parseDuration } from '../../verify/policy/parse-policy.ts';
import { EXIT_INVALID, EXIT_OK, UsageError, type CliIO, type Command } from '../command.ts';
import { boolFlag, parseFlags, stringFlag, stringList, type Flags } from '../flags.ts';

const HELP = `tkn-provenance admission: the admission webhook, or its verdict for a manifest offline

Usage:
  tkn-provenance admission [--port 8443] [--namespace NS] [--timeout 10s] ...      (serve, in a cluster)
  tkn-provenance admission --dry-run -f workload.yaml [--policy FILE...] [--key KEY...]

Serves HTTPS AdmissionReview v1: POST /mutate pins every image of Pods and pod templates
(Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) to its digest; POST /validate
verifies each image's attestations (cosign .att tag and OCI referrers) with the whole-chain
checks of "tkn-provenance verify" under the VerificationPolicies that govern it. Only
namespaces labelled tekton-provenance.dev/enforce=true are checked. See docs/admission.md.

Serve flags:
  --port N                 HTTPS port (default 8443)
  --host ADDR              listen address (default 0.0.0.0)
  --namespace NS           our namespace: never checked; TLS Secret (default tekton-provenance)
  --service NAME           our Service, for the cert's DNS names (default tekton-provenance-admission)
  --webhook-configuration NAME   Mutating/ValidatingWebhookConfiguration whose caBundle we keep
                           (default tekton-provenance-admission)
  --tls-secret NAME        Secret holding the CA and serving cert (default tekton-provenance-admission-tls)
  --tls-dir DIR            no cluster: keep the CA and cert in DIR instead
  --kubeconfig PATH        default: in-cluster, else $KUBECONFIG / ~/.kube/config
  --no-cluster             run without a cluster (needs --policy and --tls-dir)
  --timeout DURATION       the webhooks' timeoutSeconds: every review answers before it (default 10s)
  --cache-ttl DURATION     how long a verdict is reused (default 10m)
  --cache-size N           verdicts kept at most (default 10000)
  --concurrency N          verifications at once (default 16)
  --no-policy-match deny|allow   an image no policy governs (default deny)
  --insecure-registry      plain http to registries

Dry-run flags:
  --dry-run                judge the workloads of -f files and exit
  -f, --filename FILE      manifest (multi-document YAML or a List; repeatable)
  --policy FILE            VerificationPolicy objects or a flat policy (repeatable); without it
                           the default policy governs every image
  --key REF                trusted key for policies without spec.keys: PEM file or awskms:// URI
  --namespace-label K=V    labels of the target namespace, for namespaceSelector (repeatable)
  --registry-config FILE   docker config.json with registry credentials
  --json                   machine output

Exit (dry run): 0 every workload admitted, 1 one denied, 2 usage error.

Examples:
  tkn-provenance admission --dry-run -f deploy/app.yaml --policy policy.yaml --key cosign.pub
  tkn-provenance admission --namespace tekton-provenance          # as manifests/admission/ runs it
`;

const FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  namespace: { type: 'string' },
  service: { type: 'string' },
  'webhook-configuration': { type: 'string' },
  'tls-secret': { type: 'string' },
  'tls-dir': { type: 'string' },
  kubeconfig: { type: 'string' },
  'no-cluster': { type: 'boolean' },
  timeout: { type: 'string' },
  'cache-ttl': { type: 'string' },
  'cache-size': { type: 'string' },
  concurrency: { type: 'string' },
  'no-policy-match': { type: 'string' },
  'insecure-registry': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  filename: { type: 'string', short: 'f', multiple: true },
  policy: { type: 'string', multiple: true },
  key: { type: 'string', multiple: true },
  'namespace-label': { type: 'string', multiple: true },
  'registry-config': { type: 'string' },
  json: { type: 'boolean' },
} as const;

const command: Command = {
  name: 'admission',
  summary: 'admission webhook: pin images to digests, admit only verified chains',
  help: HELP,
  async run(argv, io) {
    const { values } = parseFlags(argv, FLAGS, { maxPositionals: 0 });
    return boolFlag(values, 'dry-run') ? dryRunCommand(values, io) : serve(values, io);
  },
};
export default command;

const path = (io: CliIO, p: string) => resolve(io.cwd, p);

async function loadPolicies(values: Flags, io: CliIO, secretNamespace: string) {
  const { policiesFromYaml } = await import('../../../admission/policy/files.ts');
  const keys = await Promise.all(stringList(values, 'key').map(async (ref) =>
    /^[a-z][a-z0-9+.-]*:\/\//i.test(ref) ? { kind: 'kms' as const, uri: ref } : { kind: 'pem' as const, pem: await readText(path(io, ref)) },
  ));
  const files = stringList(values, 'policy');
  if (files.length === 0) {
    if (keys.length === 0) throw new UsageError('give --policy FILE (with spec.keys) or --key');
    return policiesFromYaml('{}', 'default policy', keys, secretNamespace);
  }
  const all = [];
  for (const f of files) all.push(...policiesFromYaml(await readText(path(io, f)), f, keys, secretNamespace));
  return all;
}

async function dryRunCommand(values: Flags, io: CliIO): Promise<number> {
  const files = stringList(values, 'filename');
  if (files.length === 0) throw new UsageError('--dry-run needs -f FILE (the manifest to judge)');
  const labels: Record<string, string> = {};
  for (const kv of stringList(values, 'namespace-label')) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--namespace-label ${kv}: expected KEY=VALUE`);
    labels[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const policies = await loadPolicies(values, io, stringFlag(values, 'namespace') ?? 'tekton-provenance');
  const registryConfig = stringFlag(values, 'registry-config');
  const { dryRun } = await import('../../../admission/dry-run.ts');
  const { describeFinding } = await import('../../../admission/review/outcome.ts');
  const manifests = await Promise.all(files.map(async (f) => ({ text: await readText(path(io, f)), source: f })));
  const verdicts = await dryRun(manifests, {
    policies,
    namespaceLabels: labels,
    defaultNamespace: 'default',
    insecureRegistry: boolFlag(values, 'insecure-registry'),
    timeoutMs: durationFlag(values, 'timeout', 30_000),
    ...(registryConfig ? { credentials: parseDockerConfig(await readText(path(io, registryConfig))) } : {}),
  });
  if (verdicts.length === 0) throw new UsageError(`no Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob in ${files.join(', ')}`);
  const admitted = verdicts.every((v) => v.outcome.allowed);
  if (boolFlag(values, 'json')) {
    io.stdout.write(`${JSON.stringify({ admitted, workloads: verdicts.map((v) => ({ kind: v.kind, namespace: v.namespace, name: v.name, allowed: v.outcome.allowed, findings: v.outcome.findings })) }, null, 2)}\n`);
  } else {
    for (const v of verdicts) {
      io.stdout.write(`${v.outcome.allowed ? 'ADMITTED' : 'DENIED'} ${v.kind} ${v.namespace}/${v.name}${v.outcome.skipped ? ` (${v.outcome.skipped})` : ''}\n`);
      for (const f of v.outcome.findings) io.stdout.write(`  ${f.mode === 'warn' ? 'WARN' : 'DENY'}  ${describeFinding(f)}\n`);
    }
  }
  return admitted ? EXIT_OK : EXIT_INVALID;
}

async function serve(values: Flags, io: CliIO): Promise<number> {
  const { startAdmission } = await import('../../../admission/index.ts');
  const { StaticPolicySource } = await import('../../../admission/policy/source.ts');
  const namespace = stringFlag(values, 'namespace') ?? 'tekton-provenance';
  const noCluster = boolFlag(values, 'no-cluster');
  const tlsDir = stringFlag(values, 'tls-dir');
  if (noCluster && !tlsDir) throw new UsageError('--no-cluster needs --tls-dir');
  let kubeConfig;
  if (!noCluster) {
    const { KubeConfig } = await import('@kubernetes/client-node');
    kubeConfig = new KubeConfig();
    const file = stringFlag(values, 'kubeconfig');
    if (file) kubeConfig.loadFromFile(path(io, file));
    else kubeConfig.loadFromDefault();
  }
  const policies = stringList(values, 'policy').length > 0 ? new StaticPolicySource(await loadPolicies(values, io, namespace)) : undefined;
  if (noCluster && !policies) throw new UsageError('--no-cluster needs --policy (there is no cluster to watch policies in)');
  const noMatch = stringFlag(values, 'no-policy-match') ?? 'deny';
  if (noMatch !== 'deny' && noMatch !== 'allow') throw new UsageError('--no-policy-match must be deny or allow');
  const running = await startAdmission({
    port: intFlag(values, 'port', 8443),
    host: stringFlag(values, 'host') ?? '0.0.0.0',
    namespace,
    tls: tlsDir ? { kind: 'directory', dir: path(io, tlsDir) } : { kind: 'secret', ...(stringFlag(values, 'tls-secret') ? { secretName: stringFlag(values, 'tls-secret') as string } : {}) },
    ...(kubeConfig ? { kubeConfig } : {}),
    ...(policies ? { policies } : {}),
    ...(stringFlag(values, 'service') ? { serviceName: stringFlag(values, 'service') as string } : {}),
    ...(stringFlag(values, 'webhook-configuration') ? { webhookConfigurationName: stringFlag(values, 'webhook-configuration') as string } : {}),
    timeoutMs: durationFlag(values, 'timeout', 10_000),
    cacheTtlMs: durationFlag(values, 'cache-ttl', 600_000),
    cacheMaxEntries: intFlag(values, 'cache-size', 10_000),
    concurrency: intFlag(values, 'concurrency', 16),
    noPolicyMatch: noMatch,
    insecureRegistry: boolFlag(values, 'insecure-registry'),
  });
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGTERM', stop).off('SIGINT', stop);
      running.close().then(done, done);
    };
    process.on('SIGTERM', stop).on('SIGINT', stop);
  });
  return EXIT_OK;
}

function durationFlag(values: Flags, name: string, fallback: number): number {
  const v = stringFlag(values, name);
  if (v === undefined) return fallback;
  try {
    return parseDuration(v);
  } catch {
    throw new UsageError(`--${name} ${v} is not a duration like 10s, 5m or 1h`);
  }
}

function intFlag(values: Flags, name: string, fallback: number): number {
  const v = stringFlag(values, name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a whole number, got ${v}`);
  return Number(v);
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
