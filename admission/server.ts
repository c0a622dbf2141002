import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { jsonLogger } from '../signer/server/logger.ts';
import { admissionApp } from './app.ts';
import { wire } from './deps.ts';
import { AdmissionMetrics } from './observe/metrics.ts';
import { DEFAULT_NAMESPACE, DEFAULT_PORT, DEFAULT_SERVICE_NAME, type AdmissionOptions } from './options.ts';
import { createTlsSource } from './tls/source.ts';
import type { Verdicts } from './verdict/verdicts.ts';

export interface RunningAdmission {
  url: string;
  port: number;
  /** The CA of the serving cert (what the caBundle carries). */
  caCert(): string | undefined;
  /** Verification counts and cache size (tests, bench). */
  verdicts: Verdicts;
  metrics: AdmissionMetrics;
  close(): Promise<void>;
}

/** The HTTPS admission webhook server: TLS 1.2+, hot-reloaded certs, policies watched, graceful close. */
export async function startAdmission(opts: AdmissionOptions): Promise<RunningAdmission> {
  const logger = opts.logger ?? jsonLogger('admission', process.stdout);
  const metrics = new AdmissionMetrics({ defaultMetrics: opts.logger === undefined });
  const namespace = opts.namespace ?? DEFAULT_NAMESPACE;
  const wiring = wire(opts, logger, metrics);
  const tls = await createTlsSource(opts.tls, {
    namespace,
    serviceName: opts.serviceName ?? DEFAULT_SERVICE_NAME,
    logger,
    ...(opts.kubeConfig ? { kubeConfig: opts.kubeConfig } : {}),
    ...(opts.webhookConfigurationName ? { webhookConfigurationName: opts.webhookConfigurationName } : {}),
  });
  let ready = false;
  try {
    await wiring.start();
    ready = true;
  } catch (err) {
    tls.stop();
    await wiring.stop().catch(() => undefined);
    throw err;
  }
  const first = tls.current();
  const server = createServer({ cert: first.cert, key: first.key, minVersion: 'TLSv1.2' }, admissionApp(wiring.deps, () => ready));
  tls.onChange((c) => {
    server.setSecureContext({ cert: c.cert, key: c.key, minVersion: 'TLSv1.2' });
    logger.info('tls serving cert reloaded');
  });
  server.headersTimeout = 15_000;
  // The API server reuses connections (Go's IdleConnTimeout 90 s): outlive it.
  server.keepAliveTimeout = 95_000;
  await listen(server, opts.port ?? DEFAULT_PORT, opts.host ?? '0.0.0.0');
  const port = (server.address() as AddressInfo).port;
  const host = opts.host === undefined || opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host;
  logger.info('admission webhook listening', { port, timeoutMs: wiring.deps.timeoutMs });

  let closing: Promise<void> | undefined;
  return {
    url: `https://${host}:${port}`,
    port,
    caCert: () => tls.current().ca,
    verdicts: wiring.verdicts,
    metrics,
    close: () => {
      closing ??= (async () => {
        ready = false;
        await closeGracefully(server, opts.shutdownGraceMs ?? 8_000);
        tls.stop();
        await wiring.stop();
        logger.info('admission webhook stopped');
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
