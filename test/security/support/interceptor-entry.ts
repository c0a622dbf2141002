// A separate interceptor process for the hostile-input suite, run with the heap flags of the
// Deployment (test/security/support/processes.ts reads them from the manifest). Configured by
// one JSON argument; prints {"url"} on stdout once listening; SIGTERM closes it gracefully.
import { readFileSync } from 'node:fs';
import { jsonLogger, startInterceptor } from '../../../interceptor/index.ts';
import type { LoadLimits } from '../../../interceptor/limits.ts';
import type { ServerLimits } from '../../../signer/https/limits.ts';

interface EntryConfig {
  certFile: string;
  keyFile: string;
  signerSocket: string;
  signerTimeoutMs?: number;
  load?: Partial<LoadLimits>;
  server?: Partial<ServerLimits>;
}

const config = JSON.parse(process.argv[2] ?? '{}') as EntryConfig;
const running = await startInterceptor({
  host: '127.0.0.1',
  port: 0,
  signerSocket: config.signerSocket,
  tls: { kind: 'pem', cert: readFileSync(config.certFile, 'utf8'), key: readFileSync(config.keyFile, 'utf8') },
  logger: jsonLogger((line) => process.stderr.write(line)),
  ...(config.signerTimeoutMs ? { signerTimeoutMs: config.signerTimeoutMs } : {}),
  ...(config.load ? { load: config.load } : {}),
  ...(config.server ? { server: config.server } : {}),
});
process.stdout.write(`${JSON.stringify({ url: running.url })}\n`);
process.on('SIGTERM', () => {
  void running.close().then(() => process.exit(0));
});
