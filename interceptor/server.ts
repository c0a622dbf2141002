import { startHttpsServer } from '../signer/https/server.ts';
import { createInterceptorApp } from './app.ts';
import { jsonLogger } from './observe/logger.ts';
import { InterceptorMetrics } from './observe/metrics.ts';
import { DEFAULT_PORT, SIGNER_SOCKET_ENV, type InterceptorOptions } from './options.ts';
import { DEFAULT_SIGNER_SOCKET, DEFAULT_SIGNER_TIMEOUT_MS, UdsEventSigner } from './signer-client/client.ts';
import { createTlsSource } from './tls/source.ts';

export interface RunningInterceptor {
  url: string;
  port: number;
  /** The CA that signs the serving cert (what a client or the caBundle must trust). */
  caCert(): string | undefined;
  /** Stops accepting, lets in-flight requests finish (up to the grace period), then resolves. */
  close(): Promise<void>;
}

/** The HTTPS interceptor service: TLS 1.2+, slow-client bounds, hot-reloaded certs, graceful close (signer/https). */
export async function startInterceptor(opts: InterceptorOptions): Promise<RunningInterceptor> {
  const logger = opts.logger ?? jsonLogger();
  const socketPath = opts.signerSocket ?? process.env[SIGNER_SOCKET_ENV] ?? DEFAULT_SIGNER_SOCKET;
  const signer = new UdsEventSigner(socketPath, opts.signerTimeoutMs ?? DEFAULT_SIGNER_TIMEOUT_MS);
  const tls = await createTlsSource(opts, logger);
  const app = createInterceptorApp({
    signer,
    logger,
    metrics: new InterceptorMetrics({ defaultMetrics: true }),
    ...(opts.limits ? { limits: opts.limits } : {}),
    ...(opts.load ? { load: opts.load } : {}),
  });
  const https = await startHttpsServer({
    tls,
    app,
    port: opts.port ?? DEFAULT_PORT,
    ...(opts.host !== undefined ? { host: opts.host } : {}),
    ...(opts.server ? { limits: opts.server } : {}),
    logger,
  });
  logger.info('interceptor listening', { port: https.port, signerSocket: socketPath });

  let closing: Promise<void> | undefined;
  return {
    url: https.url,
    port: https.port,
    caCert: () => tls.current().ca,
    close: () => {
      closing ??= (async () => {
        await https.close(opts.shutdownGraceMs ?? 8_000);
        tls.stop();
        signer.close();
        logger.info('interceptor stopped');
      })();
      return closing;
    },
  };
}
