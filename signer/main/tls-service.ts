import { mkdirSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import { serviceDnsNames } from '../tls/bundle.ts';
import { ClusterInterceptorCaBundle } from '../../interceptor/tls/ca-bundle.ts';
import { TlsManager } from '../tls/manager.ts';
import { SecretCertStore } from '../tls/secret-store.ts';
import { writeServingCert } from '../../interceptor/tls/shared-dir.ts';
import type { Logger } from '../server/logger.ts';
import type { Service } from './services.ts';

export interface InterceptorTlsServiceOptions {
  kubeConfig: KubeConfig;
  /** Our namespace: the TLS Secret and the Service live here. */
  namespace: string;
  serviceName: string;
  secretName: string;
  clusterInterceptorName: string;
  /** The in-memory emptyDir shared with the interceptor container. */
  dir: string;
  logger: Logger;
  checkIntervalMs?: number;
}

/**
 * The interceptor's TLS, run by the SIGNER (the one container with an API identity): the CA
 * and serving cert kept in a Secret of our namespace, the CA patched into OUR
 * ClusterInterceptor's caBundle, and the serving cert + key (never the CA key) written to the
 * shared directory the interceptor re-reads (interceptor/tls/files.ts).
 */
export function interceptorTlsService(opts: InterceptorTlsServiceOptions): Service {
  return {
    name: 'interceptor-tls',
    async start() {
      mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
      const manager = new TlsManager({
        store: new SecretCertStore(opts.kubeConfig, opts.namespace, opts.secretName),
        identity: { dnsNames: serviceDnsNames(opts.serviceName, opts.namespace) },
        publisher: new ClusterInterceptorCaBundle(opts.kubeConfig, opts.clusterInterceptorName),
        logger: opts.logger,
        ...(opts.checkIntervalMs ? { checkIntervalMs: opts.checkIntervalMs } : {}),
      });
      manager.onChange((b) => writeServingCert(opts.dir, { cert: b.serverCert, key: b.serverKey, ca: b.caCert }));
      await manager.start();
      return { stop: async () => manager.stop() };
    },
  };
}
