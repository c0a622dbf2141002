import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TlsSource } from '../tls/source.ts';
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from './limits.ts';

export interface HttpsServerOptions {
  tls: TlsSource;
  app: (req: IncomingMessage, res: ServerResponse) => void;
  /** Default 0.0.0.0. */
  host?: string;
  port: number;
  /** Defaults: DEFAULT_SERVER_LIMITS (tests shorten them). */
  limits?: Partial<ServerLimits>;
  logger: { info(msg: string): void };
}

export interface RunningHttpsServer {
  server: Server;
  port: number;
  /** Where a client on this machine reaches it (127.0.0.1 when bound to every address). */
  url: string;
  /** Stops accepting, lets busy connections finish for up to graceMs, then cuts the rest. */
  close(graceMs: number): Promise<void>;
}

/**
 * The HTTPS server of the interceptor and the admission webhook: TLS 1.2+, the slow-client
 * and connection bounds of limits.ts, the serving cert hot-reloaded from `tls`, listening
 * once this resolves, and a graceful close. Stopping `tls` stays with its owner.
 */
export async function startHttpsServer(opts: HttpsServerOptions): Promise<RunningHttpsServer> {
  const bounds = { ...DEFAULT_SERVER_LIMITS, ...opts.limits };
  const first = opts.tls.current();
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
    opts.app,
  );
  // Hot reload: new handshakes use the new cert; open connections keep theirs.
  opts.tls.onChange((c) => {
    server.setSecureContext({ cert: c.cert, key: c.key, minVersion: 'TLSv1.2' });
    opts.logger.info('tls serving cert reloaded');
  });
  // Slow clients (docs/security.md): headers within 10 s, the whole request within 60 s, the
  // TLS handshake within 10 s, idle keep-alive 95 s (outlives Go's 90 s IdleConnTimeout: the
  // EL never retries a request on a connection we closed), and at most 512 connections.
  server.headersTimeout = bounds.headersTimeoutMs;
  server.requestTimeout = bounds.requestTimeoutMs;
  server.keepAliveTimeout = bounds.keepAliveTimeoutMs;
  server.maxConnections = bounds.maxConnections;
  await listen(server, opts.port, opts.host ?? '0.0.0.0');
  const port = (server.address() as AddressInfo).port;
  const host = opts.host === undefined || opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host;
  return {
    server,
    port,
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: (graceMs) => closeGracefully(server, graceMs),
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
