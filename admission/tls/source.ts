import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../../signer/server/logger.ts';
import { serviceDnsNames } from '../../signer/tls/bundle.ts';
import { TlsManager } from '../../signer/tls/manager.ts';
import { SecretCertStore } from '../../signer/tls/secret-store.ts';
import { DirectoryCertStore } from '../../signer/tls/store.ts';
import { DEFAULT_TLS_SECRET, type AdmissionTlsOptions } from '../options.ts';
import { WebhookCaBundle } from './webhook-ca-bundle.ts';

export interface ServingCert {
  cert: string;
  key: string;
  ca?: string;
}

export interface TlsSource {
  current(): ServingCert;
  onChange(listener: (cert: ServingCert) => void): void;
  stop(): void;
}

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
  if (tls.kind === 'pem') {
    const cert = { cert: tls.cert, key: tls.key };
    return { current: () => cert, onChange: () => undefined, stop: () => undefined };
  }
  const dnsNames = [...serviceDnsNames(ctx.serviceName, ctx.namespace), ...(tls.extraDnsNames ?? [])];
  let manager: TlsManager;
  if (tls.kind === 'directory') {
    manager = new TlsManager({
      store: new DirectoryCertStore(tls.dir),
      identity: { dnsNames: [...dnsNames, 'localhost'], ipAddresses: tls.ipAddresses ?? ['127.0.0.1'] },
      logger: ctx.logger,
    });
  } else {
    if (!ctx.kubeConfig) throw new Error('tls kind "secret" needs a cluster (kubeConfig)');
    manager = new TlsManager({
      store: new SecretCertStore(ctx.kubeConfig, ctx.namespace, tls.secretName ?? DEFAULT_TLS_SECRET),
      identity: { dnsNames },
      publisher: new WebhookCaBundle(ctx.kubeConfig, ctx.webhookConfigurationName),
      logger: ctx.logger,
      ...(tls.checkIntervalMs ? { checkIntervalMs: tls.checkIntervalMs } : {}),
    });
  }
  await manager.start();
  const toServing = () => {
    const b = manager.current();
    return { cert: b.serverCert, key: b.serverKey, ca: b.caCert };
  };
  return { current: toServing, onChange: (l) => manager.onChange(() => l(toServing())), stop: () => manager.stop() };
}
