import { parseAllDocuments } from 'yaml';
import type { CredentialMap } from '../signer/storage/oci/credentials.ts';
import { reviewTransport } from './verdict/transport.ts';
import { admissionError } from './errors.ts';
import { StaticNamespaceLabels } from './kube/namespaces.ts';
import { AdmissionMetrics } from './observe/metrics.ts';
import { DEFAULT_TIMEOUT_MS } from './options.ts';
import { PolicyKeys } from './policy/keys.ts';
import { StaticPolicySource } from './policy/source.ts';
import type { AdmissionPolicy } from './policy/types.ts';
import type { KubeObject } from './protocol/review.ts';
import type { ReviewDeps } from './review/deps.ts';
import type { ReviewOutcome } from './review/outcome.ts';
import { ENFORCE_LABEL } from './review/scope.ts';
import { validateReview } from './review/validate.ts';
import { Verdicts } from './verdict/verdicts.ts';
import { SUPPORTED_KINDS } from './workload/pod-specs.ts';
import { RegistryDigestResolver } from './workload/resolve-digest.ts';

export interface DryRunOptions {
  policies: AdmissionPolicy[];
  /** Labels of the namespaces the workloads land in (policies' namespaceSelector). */
  namespaceLabels: Record<string, string>;
  defaultNamespace: string;
  insecureRegistry: boolean;
  credentials?: CredentialMap;
  timeoutMs?: number;
}

export interface WorkloadVerdict {
  kind: string;
  namespace: string;
  name: string;
  outcome: ReviewOutcome;
}

/**
 * The verdict for the workloads of a manifest without a cluster: each supported object goes
 * through the validating webhook's own review, with tags resolved as the mutating webhook
 * would, against the given policies and the registries the images live in.
 */
export async function dryRun(manifests: Array<{ text: string; source: string }>, opts: DryRunOptions): Promise<WorkloadVerdict[]> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const transport = reviewTransport(timeoutMs);
  const fixedCredentials = opts.credentials;
  const deps: ReviewDeps = {
    ownNamespace: '',
    namespaces: new StaticNamespaceLabels({}, { ...opts.namespaceLabels, [ENFORCE_LABEL]: 'true' }),
    policies: new StaticPolicySource(opts.policies),
    verdicts: new Verdicts({
      keys: new PolicyKeys({ secrets: undefined, kms: {} }),
      insecureRegistry: opts.insecureRegistry,
      transport,
      cacheTtlMs: 60_000,
      cacheMaxEntries: 1000,
      concurrency: 8,
      maxQueued: 1000,
    }),
    credentials: fixedCredentials ? { forPod: async () => fixedCredentials } : undefined,
    digests: new RegistryDigestResolver({ insecure: opts.insecureRegistry, transport }),
    noPolicyMatch: 'deny',
    resolveTags: true,
  };
  const metrics = new AdmissionMetrics();
  const out: WorkloadVerdict[] = [];
  for (const m of manifests) {
    for (const obj of workloads(m.text, m.source)) {
      const kind = obj.kind as string;
      const namespace = obj.metadata?.namespace ?? opts.defaultNamespace;
      const request = { uid: 'dry-run', kind: { group: '', version: 'v1', kind }, namespace, operation: 'CREATE', object: obj, dryRun: true };
      const outcome = await validateReview(request, deps, metrics, Date.now() + timeoutMs);
      out.push({ kind, namespace, name: obj.metadata?.name ?? obj.metadata?.generateName ?? '', outcome });
    }
  }
  return out;
}

function workloads(text: string, source: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const [i, d] of parseAllDocuments(text).entries()) {
    if (d.errors.length > 0) throw admissionError('MALFORMED_REVIEW', `${source}: document ${i + 1} is not valid YAML: ${d.errors[0]?.message}`);
    const doc = d.toJS({ maxAliasCount: 100 }) as KubeObject | null;
    if (!doc || typeof doc !== 'object') continue;
    const items = doc.kind === 'List' && Array.isArray(doc.items) ? (doc.items as KubeObject[]) : [doc];
    out.push(...items.filter((o) => typeof o?.kind === 'string' && SUPPORTED_KINDS.includes(o.kind)));
  }
  return out;
}
