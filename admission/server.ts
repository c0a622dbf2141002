import { startHttpsServer } from '../signer/https/server.ts';
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

/**
 * The HTTPS admission webhook server: TLS 1.2+, the interceptor's slow-client bounds,
 * hot-reloaded certs, graceful close (signer/https); policies watched.
 */
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
  // The API server reuses connections (Go's IdleConnTimeout 90 s): the default keep-alive (95 s) outlives it.
  const https = await startHttpsServer({
    tls,
    app: admissionApp(wiring.deps, () => ready),
    port: opts.port ?? DEFAULT_PORT,
    ...(opts.host !== undefined ? { host: opts.host } : {}),
    ...(opts.server ? { limits: opts.server } : {}),
    logger,
  });
  logger.info('admission webhook listening', { port: https.port, timeoutMs: wiring.deps.timeoutMs });

  let closing: Promise<void> | undefined;
  return {
    url: https.url,
    port: https.port,
    caCert: () => tls.current().ca,
    verdicts: wiring.verdicts,
    metrics,
    close: () => {
      closing ??= (async () => {
        ready = false;
        await https.close(opts.shutdownGraceMs ?? 8_000);
        tls.stop();
        await wiring.stop();
        logger.info('admission webhook stopped');
      })();
      return closing;
    },
  };
}
