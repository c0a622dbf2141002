import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { startInterceptor, type Logger as InterceptorLogger, type RunningInterceptor } from '../../../interceptor/index.ts';
import { KubeEventRecorder } from '../../../signer/authenticity/event-recorder.ts';
import type { FailureLimiter } from '../../../signer/authenticity/rate-limit.ts';
import { KubeSecretResolver } from '../../../signer/authenticity/secrets/kube.ts';
import { interceptorTlsService } from '../../../signer/main/tls-service.ts';
import { silentLogger, type Logger } from '../../../signer/server/index.ts';
import { startSignerFixture, type SignerFixture } from './signer.ts';

export interface Pod {
  fx: SignerFixture;
  srv: RunningInterceptor;
  /** The in-memory volume the signer writes the serving cert to. */
  tlsDir: string;
  close(): Promise<void>;
}

/**
 * The Deployment's pod as shipped: the SIGNER holds the only API identity (`kubeConfig`):
 * it reads labelled webhook Secrets, records Events, keeps the TLS Secret and caBundle and
 * writes the serving cert to a shared directory; the interceptor has no kubeconfig at all.
 */
export async function startPod(
  kubeConfig: KubeConfig,
  logs: { signer?: Logger; interceptor?: InterceptorLogger } = {},
  extra: { limiter?: FailureLimiter } = {},
): Promise<Pod> {
  const signerLog = logs.signer ?? silentLogger;
  const tlsDir = mkdtempSync(join(tmpdir(), 'tp-pod-tls-'));
  const tls = await interceptorTlsService({
    kubeConfig,
    namespace: 'tekton-provenance',
    serviceName: 'tekton-provenance-interceptor',
    secretName: 'tekton-provenance-interceptor-tls',
    clusterInterceptorName: 'tekton-provenance',
    dir: tlsDir,
    logger: signerLog,
  }).start();
  const events = new KubeEventRecorder(kubeConfig, signerLog);
  const fx = await startSignerFixture(signerLog, new KubeSecretResolver(kubeConfig), { events, ...extra });
  const srv = await startInterceptor({
    host: '127.0.0.1',
    port: 0,
    signerSocket: fx.socketPath,
    tls: { kind: 'files', dir: tlsDir, checkIntervalMs: 200 },
    ...(logs.interceptor ? { logger: logs.interceptor } : {}),
  });
  return {
    fx,
    srv,
    tlsDir,
    async close() {
      await srv.close();
      await fx.close();
      await tls.stop();
      rmSync(tlsDir, { recursive: true, force: true });
    },
  };
}
