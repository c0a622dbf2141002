import type { Logger } from '../observe/logger.ts';
import { DEFAULT_NAMESPACE, DEFAULT_SERVICE_NAME, type InterceptorOptions } from '../options.ts';
import { serviceDnsNames, type CertIdentity } from '../../signer/tls/bundle.ts';
import { fileTlsSource } from './files.ts';
import { TlsManager } from '../../signer/tls/manager.ts';
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
  if (tls.kind === 'files') return fileTlsSource(tls, logger);
  const service = opts.kube?.serviceName ?? DEFAULT_SERVICE_NAME;
  const namespace = opts.kube?.namespace ?? DEFAULT_NAMESPACE;
  const identity: CertIdentity = {
    dnsNames: [...serviceDnsNames(service, namespace), 'localhost', ...(tls.extraDnsNames ?? [])],
    ipAddresses: tls.ipAddresses ?? ['127.0.0.1'],
  };
  const manager = new TlsManager({
    store: new DirectoryCertStore(tls.dir),
    identity,
    logger,
    ...(tls.checkIntervalMs ? { checkIntervalMs: tls.checkIntervalMs } : {}),
  });
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
