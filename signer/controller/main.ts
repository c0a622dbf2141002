#!/usr/bin/env node
// The attestation controller alone (tests, the backlog bench, or a controller-only Deployment).
// The signer container runs the same service next to the signing socket (signer/main/signer.ts).
import { createServer } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openEventStore } from '../events/stores/index.ts';
import { startServices, stopOnSignals } from '../main/services.ts';
import { jsonLogger } from '../server/logger.ts';
import type { AttestationController } from './controller.ts';
import { attestationControllerService } from './service.ts';
import { loadSigner } from '../keys/sources.ts';

const { values } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    namespace: { type: 'string' },
    identity: { type: 'string' },
    'event-store': { type: 'string' },
    'event-db': { type: 'string' },
    'state-dir': { type: 'string' },
    'lease-ms': { type: 'string' },
    'metrics-port': { type: 'string' },
    key: { type: 'string' },
  },
  strict: true,
});
const env = process.env;
const log = jsonLogger('controller');

async function main(): Promise<void> {
  const namespace = values.namespace ?? env.POD_NAMESPACE ?? 'tekton-provenance';
  const leaseMs = values['lease-ms'] ? Number(values['lease-ms']) : undefined;
  let controller: AttestationController | undefined;
  // The same rule as the signer container: a given key signs attestations unless the ConfigMap names one.
  const keyRef = values.key ?? env.TEKTON_PROVENANCE_SIGNING_KEY;
  const processKey = keyRef ? { ref: keyRef, signer: await loadSigner(keyRef) } : undefined;
  const stateDir = values['state-dir'] ?? env.TEKTON_PROVENANCE_STATE_DIR ?? '/var/lib/tekton-provenance';
  const running = await startServices([
    attestationControllerService({
      namespace, log,
      openStore: () => openEventStore(values['event-store'] ?? env.TEKTON_PROVENANCE_EVENT_STORE, {
        stateDir,
        ...(values['event-db'] ? { sqlitePath: values['event-db'] } : {}),
        namespace,
        postgresUrl: env.TEKTON_PROVENANCE_POSTGRES_URL,
        postgresPassword: env.TEKTON_PROVENANCE_POSTGRES_PASSWORD,
        postgresPasswordFile: env.TEKTON_PROVENANCE_POSTGRES_PASSWORD_FILE,
      }),
      journalPath: join(stateDir, 'attestation-journal.db'),
      ...(values.identity ? { identity: values.identity } : {}),
      ...(processKey ? { processKey } : {}),
      ...(values.kubeconfig ?? env.KUBECONFIG ? { kubeconfigPath: values.kubeconfig ?? env.KUBECONFIG } : {}),
      ...(leaseMs ? { lease: { leaseDurationMs: leaseMs, leaseRetryMs: Math.max(100, Math.floor(leaseMs / 5)) } } : {}),
      onStarted: (c) => { controller = c; },
    }),
  ], log);
  if (values['metrics-port']) {
    const server = createServer((req, res) => {
      if (req.url !== '/metrics' || !controller) { res.writeHead(404).end(); return; }
      controller.metrics.registry.metrics().then((text) => res.writeHead(200, { 'content-type': controller!.metrics.registry.contentType }).end(text), () => res.writeHead(500).end());
    });
    server.listen(Number(values['metrics-port']), '127.0.0.1');
  }
  stopOnSignals(running, log, () => process.exit(0));
}

main().catch((err: unknown) => {
  const code = (err as { code?: unknown }).code;
  log.error('controller failed to start', { code: typeof code === 'string' ? code : undefined, message: (err as Error).message });
  process.exit(1);
});
