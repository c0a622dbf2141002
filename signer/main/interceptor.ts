#!/usr/bin/env node
// Entry point of the interceptor container (same image as the signer): serves the Triggers
// interceptor protocol on HTTPS :8443. It has NO Kubernetes API identity (no ServiceAccount
// token is mounted into it) and no key: the serving cert comes from the file the signer writes
// to a shared in-memory volume, and every webhook is authenticated by the signer.
import { jsonLogger } from '../../interceptor/index.ts';
import { signerSocketPath } from '../server/index.ts';
import { startServices, stopOnSignals } from './services.ts';
import { interceptorService } from './interceptor-service.ts';

const env = process.env;
const log = jsonLogger((line) => process.stderr.write(line));

async function main(): Promise<void> {
  const running = await startServices(
    [
      interceptorService(
        {
          port: Number(env.TEKTON_PROVENANCE_PORT ?? '8443'),
          signerSocket: signerSocketPath(env),
          tls: { kind: 'files', dir: env.TEKTON_PROVENANCE_TLS_DIR ?? '/var/run/tekton-provenance-tls' },
          logger: log,
        },
        () => undefined,
      ),
    ],
    log,
  );
  stopOnSignals(running, log, () => process.exit(0));
}

main().catch((err: unknown) => {
  const code = (err as { code?: unknown }).code;
  log.error('interceptor failed to start', {
    code: typeof code === 'string' ? code : undefined,
    message: (err as Error).message,
  });
  process.exit(1);
});
