#!/usr/bin/env node
// Entry point of the signer container: loads the keys, opens the event store, serves the
// signing socket. Configured by flags or environment (manifests/deployment.yaml, docs/deploy.md).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { StaticSecretResolver } from '../authenticity/secrets/static.ts';
import { loadStaticSecrets } from './static-secrets.ts';
import { openEventStore } from '../events/stores/index.ts';
import { jsonLogger } from '../server/logger.ts';
import { signerSocketPath } from '../server/index.ts';
import { loadSignerRef } from './load-key.ts';
import { startServices, stopOnSignals, type Service } from './services.ts';
import { eventSignerService } from './signer-service.ts';
import { attestationControllerService } from '../controller/service.ts';
import { retentionFrom } from '../events/retention/policy.ts';
import type { Registry } from 'prom-client';
import { retentionService } from './retention-service.ts';
import { startMetricsServer } from './metrics-server.ts';
import { loadEventConfig } from './event-config.ts';
import { eventSigning } from './event-sigstore.ts';
import type { Signer } from '../keys/signer.ts';

const { values } = parseArgs({
  options: {
    socket: { type: 'string' },
    key: { type: 'string' },
    'event-store': { type: 'string' },
    'state-dir': { type: 'string' },
    'sqlite-path': { type: 'string' },
    namespace: { type: 'string' },
    controller: { type: 'boolean' },
    'postgres-url': { type: 'string' },
    'retention-attested': { type: 'string' },
    'retention-unclaimed': { type: 'string' },
    'retention-interval': { type: 'string' },
    'metrics-port': { type: 'string' },
    // No-cluster mode: webhook secrets from a file (as `serve --secrets`); in a cluster the
    // signer reads labelled Secrets in each trigger's namespace instead.
    secrets: { type: 'string' },
    // Keyless event signing and transparency.events (docs/transparency.md): the ConfigMap's
    // keys in a file; in a cluster without it, the ConfigMaps themselves are read at start.
    config: { type: 'string' },
  },
  strict: true,
});
const env = process.env;
const log = jsonLogger('signer');

async function main(): Promise<void> {
  const keyRef = values.key ?? env.TEKTON_PROVENANCE_SIGNING_KEY ?? '/etc/signing-secrets';
  const stateDir = values['state-dir'] ?? env.TEKTON_PROVENANCE_STATE_DIR ?? '/var/lib/tekton-provenance';
  // Keyless signing needs no key: a missing one is an error only once the config says key-signed.
  let signer: Signer | undefined;
  let keyError: unknown;
  try {
    signer = await loadSignerRef(keyRef);
    log.info('signing key loaded', { keyid: signer.keyid, algorithm: signer.algorithm });
  } catch (err) {
    keyError = err;
  }

  // One store for the whole process, closed after every service has stopped.
  const store = await openEventStore(values['event-store'] ?? env.TEKTON_PROVENANCE_EVENT_STORE, {
    stateDir,
    sqlitePath: values['sqlite-path'] ?? env.TEKTON_PROVENANCE_EVENT_DB,
    namespace: values.namespace ?? env.POD_NAMESPACE,
    postgresUrl: values['postgres-url'] ?? env.TEKTON_PROVENANCE_POSTGRES_URL,
    postgresPassword: env.TEKTON_PROVENANCE_POSTGRES_PASSWORD,
    postgresPasswordFile: env.TEKTON_PROVENANCE_POSTGRES_PASSWORD_FILE,
  });
  const retention = retentionFrom({
    attested: values['retention-attested'] ?? env.TEKTON_PROVENANCE_EVENTS_RETENTION_ATTESTED,
    unclaimed: values['retention-unclaimed'] ?? env.TEKTON_PROVENANCE_EVENTS_RETENTION_UNCLAIMED,
    interval: values['retention-interval'] ?? env.TEKTON_PROVENANCE_EVENTS_RETENTION_INTERVAL,
  });
  const registries: Registry[] = [];

  // The signer is the pod's only API client (the interceptor container has no token): it
  // reads the webhook Secrets, records refusals as Events and keeps the interceptor's TLS.
  const inCluster = env.KUBERNETES_SERVICE_HOST !== undefined || env.KUBECONFIG !== undefined;
  // Loaded only in a cluster: the client library costs seconds of start-up on a busy node.
  const kube = inCluster ? await loadKube() : undefined;
  const namespace = values.namespace ?? env.POD_NAMESPACE ?? 'tekton-provenance';
  const secretsFile = values.secrets ?? env.TEKTON_PROVENANCE_WEBHOOK_SECRETS;
  const eventConfig = await loadEventConfig(values.config ?? env.TEKTON_PROVENANCE_CONFIG_FILE, kube ? () => kube.loadConfig(kube.kubeConfig, namespace) : undefined);
  if (!signer && !eventConfig?.keyless.enabled) throw keyError;
  const events = await eventSigning(eventConfig, signer, store, log);

  // Started in this order and stopped in reverse; both services share the one store.
  const services: Service[] = [];
  if (kube && env.TEKTON_PROVENANCE_INTERCEPTOR_TLS !== 'false') {
    services.push(
      kube.interceptorTlsService({
        kubeConfig: kube.kubeConfig,
        namespace,
        serviceName: env.TEKTON_PROVENANCE_SERVICE ?? 'tekton-provenance-interceptor',
        secretName: env.TEKTON_PROVENANCE_TLS_SECRET ?? 'tekton-provenance-interceptor-tls',
        clusterInterceptorName: env.TEKTON_PROVENANCE_CLUSTER_INTERCEPTOR ?? 'tekton-provenance',
        dir: env.TEKTON_PROVENANCE_TLS_DIR ?? '/var/run/tekton-provenance-tls',
        logger: log,
      }),
    );
  }
  if (events.uploader) services.push(events.uploader); // stopped after the socket: nothing it queued is lost anyway
  services.push(
    eventSignerService({
      socketPath: values.socket ?? signerSocketPath(env),
      signer: events.signer,
      ...(events.onCreated ? { onCreated: events.onCreated } : {}),
      logger: log,
      store,
      ...(secretsFile !== undefined
        ? { secrets: new StaticSecretResolver(loadStaticSecrets(secretsFile)) }
        : kube
          ? { secrets: new kube.KubeSecretResolver(kube.kubeConfig) }
          : {}),
      ...(kube ? { events: new kube.KubeEventRecorder(kube.kubeConfig, log) } : {}),
    }),
  );
  services.push(retentionService(store, retention, log, (p) => registries.push(p.metrics.registry)));
  // The attestation controller (docs/controller.md): on with --controller or TEKTON_PROVENANCE_CONTROLLER=true.
  if (values.controller || env.TEKTON_PROVENANCE_CONTROLLER === 'true') {
    services.push(
      attestationControllerService({
        namespace: values.namespace ?? env.POD_NAMESPACE ?? 'tekton-provenance',
        ...(env.POD_NAME ? { identity: env.POD_NAME } : {}),
        log,
        eventStore: store,
        journalPath: join(stateDir, 'attestation-journal.db'), // a retry after a restart replays, never re-signs
        onStarted: (c) => registries.push(c.metrics.registry),
        ...(signer ? { processKey: { ref: keyRef, signer } } : {}), // signs attestations too, unless the ConfigMap names a key
      }),
    );
  }

  let running;
  try {
    running = await startServices(services, log);
  } catch (err) {
    await store.close();
    throw err;
  }
  const metricsPort = values['metrics-port'] ?? env.TEKTON_PROVENANCE_METRICS_PORT;
  if (metricsPort) await startMetricsServer(Number(metricsPort), () => registries);
  const stopped = running;
  stopOnSignals(
    {
      stop: async () => {
        await stopped.stop();
        await store.close();
      },
    },
    log,
    () => process.exit(0),
  );
}

async function loadKube() {
  const [{ KubeConfig }, { KubeEventRecorder }, { KubeSecretResolver }, { interceptorTlsService }, { loadConfig }] = await Promise.all([
    import('@kubernetes/client-node'),
    import('../authenticity/event-recorder.ts'),
    import('../authenticity/secrets/kube.ts'),
    import('./tls-service.ts'),
    import('../config/source.ts'),
  ]);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault(); // in-cluster: the token projected into this container only
  return { kubeConfig, KubeEventRecorder, KubeSecretResolver, interceptorTlsService, loadConfig };
}

main().catch((err: unknown) => {
  const code = (err as { code?: unknown }).code;
  log.error('signer failed to start', {
    code: typeof code === 'string' ? code : undefined,
    message: (err as Error).message,
  });
  process.exit(1);
});
