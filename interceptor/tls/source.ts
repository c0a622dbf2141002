import type { Logger } from '../observe/logger.ts';
import { DEFAULT_NAMESPACE, DEFAULT_SERVICE_NAME, DEFAULT_TLS_SECRET, type InterceptorOptions } from '../options.ts';
import { serviceDnsNames, type CertIdentity } from '../../signer/tls/bundle.ts';
import { ClusterInterceptorCaBundle } from './ca-bundle.ts';
import { TlsManager } from '../../signer/tls/manager.ts';
import { SecretCertStore } from '../../signer/tls/secret-store.ts';
import { DirectoryCertStore } from '../../signer/tls/store.ts';

export interface ServingCert {
  cert: string;
  key: string;
  /** The issuing CA when we manage it (absent for explicit PEMs). */
  ca?: string;
}

/** The serving cert, whatever its origin, and notice when it changes. */
export interface TlsSource {
  current(): ServingCert;
  onChange(listener: (cert: ServingCert) => void): void;
  stop(): void;
}

/** Picks the TLS source from the options (see InterceptorTlsOptions) and loads it. */
export async function createTlsSource(opts: InterceptorOptions, logger: Logger): Promise<TlsSource> {
  const tls = opts.tls;
  if (tls.kind === 'pem') {
    const cert = { cert: tls.cert, key: tls.key };
    return { current: () => cert, onChange: () => undefined, stop: () => undefined };
  }
  const service = opts.kube?.serviceName ?? DEFAULT_SERVICE_NAME;
  const namespace = opts.kube?.namespace ?? DEFAULT_NAMESPACE;
  let manager: TlsManager;
  if (tls.kind === 'directory') {
    const identity: CertIdentity = {
      dnsNames: [...serviceDnsNames(service, namespace), 'localhost', ...(tls.extraDnsNames ?? [])],
      ipAddresses: tls.ipAddresses ?? ['127.0.0.1'],
    };
    manager = new TlsManager({
      store: new DirectoryCertStore(tls.dir),
      identity,
      logger,
      ...(tls.checkIntervalMs ? { checkIntervalMs: tls.checkIntervalMs } : {}),
    });
  } else {
    if (opts.kube === undefined) throw new Error('tls kind "secret" needs the kube options (kubeConfig, namespace)');
    const identity: CertIdentity = { dnsNames: [...serviceDnsNames(service, namespace), ...(tls.extraDnsNames ?? [])] };
    manager = new TlsManager({
      store: new SecretCertStore(opts.kube.kubeConfig, namespace, tls.secretName ?? DEFAULT_TLS_SECRET),
      identity,
      publisher: new ClusterInterceptorCaBundle(opts.kube.kubeConfig, opts.kube.clusterInterceptorName),
      logger,
      ...(tls.checkIntervalMs ? { checkIntervalMs: tls.checkIntervalMs } : {}),
    });
  }
  await manager.start();
  const toServing = () => {
    const b = manager.current();
    return { cert: b.serverCert, key: b.serverKey, ca: b.caCert };
  };
  return {
    current: toServing,
    onChange: (listener) => manager.onChange(() => listener(toServing())),
    stop: () => manager.stop(),
  };
}
