import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createInterceptorApp } from './app.ts';
import { DEFAULT_SERVER_LIMITS } from './limits.ts';
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

/** The HTTPS interceptor service: TLS 1.2+, hot-reloaded certs, graceful close. */
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
  const bounds = { ...DEFAULT_SERVER_LIMITS, ...opts.server };

  const first = tls.current();
  const server = createServer(
    {
      cert: first.cert,
      key: first.key,
      minVersion: 'TLSv1.2',
      handshakeTimeout: bounds.handshakeTimeoutMs,
      // Node checks headers/request timeouts on this interval (default 30 s): a tenth of the
      // shortest, so a stalled client is cut close to its limit.
      connectionsCheckingInterval: Math.max(50, Math.min(bounds.headersTimeoutMs, bounds.requestTimeoutMs) / 10),
    },
    app,
  );
  // Hot reload: new handshakes use the new cert; open connections keep theirs.
  tls.onChange((c) => {
    server.setSecureContext({ cert: c.cert, key: c.key, minVersion: 'TLSv1.2' });
    logger.info('tls serving cert reloaded');
  });
  // Slow clients (docs/security.md): headers within 10 s, the whole request within 60 s, the
  // TLS handshake within 10 s, idle keep-alive 95 s (outlives Go's 90 s IdleConnTimeout: the
  // EL never retries a request on a connection we closed), and at most 512 connections.
  server.headersTimeout = bounds.headersTimeoutMs;
  server.requestTimeout = bounds.requestTimeoutMs;
  server.keepAliveTimeout = bounds.keepAliveTimeoutMs;
  server.maxConnections = bounds.maxConnections;
  await listen(server, opts.port ?? DEFAULT_PORT, opts.host ?? '0.0.0.0');
  const port = (server.address() as AddressInfo).port;
  const host = opts.host === undefined || opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host;
  logger.info('interceptor listening', { port, signerSocket: socketPath });

  let closing: Promise<void> | undefined;
  return {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    caCert: () => tls.current().ca,
    close: () => {
      closing ??= (async () => {
        await closeGracefully(server, opts.shutdownGraceMs ?? 8_000);
        tls.stop();
        signer.close();
        logger.info('interceptor stopped');
      })();
      return closing;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** server.close stops accepting and drops idle keep-alive sockets; busy ones finish their request. */
function closeGracefully(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
