import type { Logger } from '../observe/logger.ts';
import { DEFAULT_NAMESPACE, DEFAULT_SERVICE_NAME, type InterceptorOptions } from '../options.ts';
import { serviceDnsNames } from '../../signer/tls/bundle.ts';
import { managedTlsSource, pemTlsSource, type TlsSource } from '../../signer/tls/source.ts';
import { DirectoryCertStore } from '../../signer/tls/store.ts';
import { fileTlsSource } from './files.ts';

/** Picks the TLS source from the options (see InterceptorTlsOptions) and loads it. */
export async function createTlsSource(opts: InterceptorOptions, logger: Logger): Promise<TlsSource> {
  const tls = opts.tls;
  if (tls.kind === 'pem') return pemTlsSource(tls.cert, tls.key);
  if (tls.kind === 'files') return fileTlsSource(tls, logger);
  const service = opts.kube?.serviceName ?? DEFAULT_SERVICE_NAME;
  const namespace = opts.kube?.namespace ?? DEFAULT_NAMESPACE;
  return managedTlsSource({
    store: new DirectoryCertStore(tls.dir),
    identity: {
      dnsNames: [...serviceDnsNames(service, namespace), 'localhost', ...(tls.extraDnsNames ?? [])],
      ipAddresses: tls.ipAddresses ?? ['127.0.0.1'],
    },
    logger,
    ...(tls.checkIntervalMs ? { checkIntervalMs: tls.checkIntervalMs } : {}),
  });
}
