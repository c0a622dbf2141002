// Server side of bench/interceptor.ts, run in a forked child pinned to one core:
//   bare: node:http doing parse + hash + statement + DSSE sign with node:crypto, nothing else;
//   interceptor: the real interceptor (HTTPS) + the real signer over its Unix socket + SQLite.
// Reports its URL and CA over IPC, then answers {rss, cpu} probes until told to stop.
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startInterceptor } from '../../interceptor/index.ts';
import { StaticSecretResolver } from '../../interceptor/secrets/static.ts';
import { issueBundle } from '../../interceptor/tls/bundle.ts';
import { pae } from '../../signer/dsse/pae.ts';
import { SqliteEventStore } from '../../signer/events/stores/sqlite.ts';
import { LocalSigner } from '../../signer/keys/local.ts';
import { silentLogger, startSignerServer } from '../../signer/server/index.ts';
import { BENCH_SECRET } from './payloads.ts';

type Started = { url: string; ca?: string; close(): Promise<void> };

/** `tls`: the same bare handler behind HTTPS (the interceptor's transport), to show what TLS costs. */
async function bare(keyPem: string, tls: boolean): Promise<Started> {
  const key = createPrivateKey(keyPem);
  const bundle = tls ? issueBundle({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] }, new Date()) : undefined;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { body: string; context: { event_id: string } };
      const hex = createHash('sha256').update(r.body, 'utf8').digest('hex');
      const statement = Buffer.from(
        JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: r.context.event_id, digest: { sha256: hex } }], predicateType: 'x', predicate: { body: r.body } }),
      );
      const sig = sign('sha256', pae('application/vnd.in-toto+json', statement), key).toString('base64');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ continue: true, extensions: { provenance: { digest: `sha256:${hex}`, signature: sig } } }));
    });
  };
  const server = bundle
    ? createHttpsServer({ cert: bundle.serverCert, key: bundle.serverKey, minVersion: 'TLSv1.2' }, handler)
    : createServer(handler);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `${bundle ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, ca: bundle?.caCert, close: () => new Promise((r) => server.close(() => r())) };
}

async function interceptor(keyPem: string, storeDir: string): Promise<Started> {
  const socketPath = join(storeDir, 'signer.sock');
  // BENCH_STORE=memory: the same SQLite store without a file (no fsync), to isolate durability cost.
  const store = new SqliteEventStore(process.env.BENCH_STORE === 'memory' ? ':memory:' : join(storeDir, 'events.db'));
  const signer = await startSignerServer({ socketPath, signer: LocalSigner.fromPem(keyPem), store, logger: silentLogger });
  const srv = await startInterceptor({
    host: '127.0.0.1',
    port: 0,
    signerSocket: socketPath,
    tls: { kind: 'directory', dir: join(storeDir, 'tls') },
    secrets: new StaticSecretResolver({ 'bench/secret': BENCH_SECRET }),
    logger: { info: () => undefined, warn: () => undefined, error: (m) => process.stderr.write(`${m}\n`) },
  });
  return {
    url: `${srv.url}/`,
    ca: srv.caCert(),
    close: async () => {
      await srv.close();
      await signer.close();
      await store.close();
    },
  };
}

const [kind, keyPem] = [process.argv[2], process.env.BENCH_KEY_PEM ?? ''];
const dir = mkdtempSync(join(tmpdir(), 'tp-bench-'));
const started = kind === 'bare' || kind === 'bare-https' ? await bare(keyPem, kind === 'bare-https') : await interceptor(keyPem, dir);
process.send?.({ type: 'ready', url: started.url, ca: started.ca });
process.on('message', (msg: { type: string }) => {
  if (msg.type === 'probe') process.send?.({ type: 'probe', rss: process.memoryUsage().rss, cpu: process.cpuUsage() });
  if (msg.type === 'stop') {
    void started.close().finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  }
});
