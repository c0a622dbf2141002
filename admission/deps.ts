import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../signer/server/logger.ts';
import type { HandlerDeps } from './handler.ts';
import { KubeEventRecorder, noEventRecorder } from './kube/event-recorder.ts';
import { KubeNamespaceLabels } from './kube/namespace-informer.ts';
import { StaticNamespaceLabels, type NamespaceLabels } from './kube/namespaces.ts';
import { PullCredentials } from './kube/pull-credentials.ts';
import { KubeConfigMapReader } from './kube/config-maps.ts';
import { KubeSecretReader } from './kube/secrets.ts';
import type { AdmissionMetrics } from './observe/metrics.ts';
import { DEFAULT_NAMESPACE, DEFAULT_TIMEOUT_MS, type AdmissionOptions } from './options.ts';
import { PolicyKeys } from './policy/keys.ts';
import { StaticPolicySource, type PolicySource } from './policy/source.ts';
import { KubePolicySource } from './policy/watch.ts';
import { ENFORCE_LABEL } from './review/scope.ts';
import { reviewTransport } from './verdict/transport.ts';
import { Verdicts } from './verdict/verdicts.ts';
import { RegistryDigestResolver } from './workload/resolve-digest.ts';

export interface Wiring {
  deps: HandlerDeps;
  verdicts: Verdicts;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds everything a review needs from the options: cluster-backed parts with a kubeConfig, static ones without. */
export function wire(opts: AdmissionOptions, logger: Logger, metrics: AdmissionMetrics): Wiring {
  const kc: KubeConfig | undefined = opts.kubeConfig;
  const namespace = opts.namespace ?? DEFAULT_NAMESPACE;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const transport = reviewTransport(timeoutMs);
  const secrets = kc ? new KubeSecretReader(kc) : undefined;
  const watched = kc && !opts.policies ? new KubePolicySource(kc, { namespace, logger }) : undefined;
  const policies: PolicySource = opts.policies ?? watched ?? new StaticPolicySource([]);
  const kubeNamespaces = kc ? new KubeNamespaceLabels(kc, logger) : undefined;
  // Without a cluster every namespace counts as labelled for enforcement.
  const namespaces: NamespaceLabels = kubeNamespaces ?? new StaticNamespaceLabels({}, { [ENFORCE_LABEL]: 'true' });
  const verdicts = new Verdicts({
    keys: new PolicyKeys({ secrets, kms: {}, configMaps: kc ? new KubeConfigMapReader(kc) : undefined, namespace }),
    insecureRegistry: opts.insecureRegistry ?? false,
    transport,
    cacheTtlMs: opts.cacheTtlMs ?? 10 * 60_000,
    cacheMaxEntries: opts.cacheMaxEntries ?? 10_000,
    concurrency: opts.concurrency ?? 16,
    maxQueued: opts.maxQueued ?? 1024,
  });
  const events = kc && opts.recordEvents !== false ? new KubeEventRecorder(kc, logger) : noEventRecorder;
  const deps: HandlerDeps = {
    ownNamespace: namespace,
    namespaces,
    policies,
    verdicts,
    credentials: secrets ? new PullCredentials(secrets, logger) : undefined,
    digests: new RegistryDigestResolver({ insecure: opts.insecureRegistry ?? false, transport }),
    noPolicyMatch: opts.noPolicyMatch ?? 'deny',
    resolveTags: false,
    metrics,
    logger,
    events,
    timeoutMs,
  };
  return {
    deps,
    verdicts,
    async start() {
      await Promise.all([watched?.start(), kubeNamespaces?.start()]);
    },
    async stop() {
      await Promise.all([watched?.stop(), kubeNamespaces?.stop()]);
      await events.flush();
    },
  };
}
