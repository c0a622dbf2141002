#!/usr/bin/env node
// Entry point of the interceptor container (same image as the signer): serves the Triggers
// interceptor protocol on HTTPS :8443 with a cert kept in a Secret of our namespace and its CA
// patched into our ClusterInterceptor. Configured by environment (manifests/deployment.yaml).
import { KubeConfig } from '@kubernetes/client-node';
import { jsonLogger } from '../../interceptor/index.ts';
import { signerSocketPath } from '../server/index.ts';
import { startServices, stopOnSignals } from './services.ts';
import { interceptorService } from './interceptor-service.ts';

const env = process.env;
const log = jsonLogger((line) => process.stderr.write(line));

async function main(): Promise<void> {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault(); // in-cluster: the pod's ServiceAccount token
  const namespace = env.POD_NAMESPACE ?? 'tekton-provenance';
  const running = await startServices(
    [
      interceptorService(
        {
          port: Number(env.TEKTON_PROVENANCE_PORT ?? '8443'),
          signerSocket: signerSocketPath(env),
          tls: {
            kind: 'secret',
            ...(env.TEKTON_PROVENANCE_TLS_SECRET ? { secretName: env.TEKTON_PROVENANCE_TLS_SECRET } : {}),
          },
          kube: {
            kubeConfig,
            namespace,
            serviceName: env.TEKTON_PROVENANCE_SERVICE ?? 'tekton-provenance-interceptor',
            clusterInterceptorName: env.TEKTON_PROVENANCE_CLUSTER_INTERCEPTOR ?? 'tekton-provenance',
          },
          logger: log,
        },
        () => undefined,
      ),
    ],
    log,
  );
  stopOnSignals(running, log, () => process.exit(0));
}

main().catch((err: unknown) => {
  const code = (err as { code?: unknown }).code;
  log.error('interceptor failed to start', {
    code: typeof code === 'string' ? code : undefined,
    message: (err as Error).message,
  });
  process.exit(1);
});
