import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../../signer/server/logger.ts';
import { serviceDnsNames } from '../../signer/tls/bundle.ts';
import { SecretCertStore } from '../../signer/tls/secret-store.ts';
import { managedTlsSource, pemTlsSource, type TlsSource } from '../../signer/tls/source.ts';
import { DirectoryCertStore } from '../../signer/tls/store.ts';
import { DEFAULT_TLS_SECRET, type AdmissionTlsOptions } from '../options.ts';
import { WebhookCaBundle } from './webhook-ca-bundle.ts';

export interface TlsContext {
  kubeConfig?: KubeConfig;
  namespace: string;
  serviceName: string;
  webhookConfigurationName?: string;
  logger: Logger;
}

/**
 * The serving cert, managed like the interceptor's (signer/tls): kept in a Secret shared by
 * replicas, renewed before expiry, the CA patched into our webhook configurations' caBundle.
 */
export async function createTlsSource(tls: AdmissionTlsOptions, ctx: TlsContext): Promise<TlsSource> {
  if (tls.kind === 'pem') return pemTlsSource(tls.cert, tls.key);
  const dnsNames = [...serviceDnsNames(ctx.serviceName, ctx.namespace), ...(tls.extraDnsNames ?? [])];
  if (tls.kind === 'directory') {
    return managedTlsSource({
      store: new DirectoryCertStore(tls.dir),
      identity: { dnsNames: [...dnsNames, 'localhost'], ipAddresses: tls.ipAddresses ?? ['127.0.0.1'] },
      logger: ctx.logger,
    });
  }
  if (!ctx.kubeConfig) throw new Error('tls kind "secret" needs a cluster (kubeConfig)');
  return managedTlsSource({
    store: new SecretCertStore(ctx.kubeConfig, ctx.namespace, tls.secretName ?? DEFAULT_TLS_SECRET),
    identity: { dnsNames },
    publisher: new WebhookCaBundle(ctx.kubeConfig, ctx.webhookConfigurationName),
    logger: ctx.logger,
    ...(tls.checkIntervalMs ? { checkIntervalMs: tls.checkIntervalMs } : {}),
  });
}
