// Server side of bench/interceptor.ts, each kind in its own forked child pinned to one core:
//   bare:        node:http; parse the InterceptorRequest, parse the webhook body (the "is it
//                JSON" check), sha256 the body, build the in-toto statement, DSSE-sign (P-256).
//   bare-https:  the same handler behind HTTPS (the interceptor's transport).
//   signer:      the real signer (signing socket + SQLite store, fsync'd; BENCH_STORE=memory
//                for an in-memory store) on BENCH_SOCKET.
//   interceptor: the real HTTPS interceptor, asking the signer on BENCH_SOCKET.
// Reports {url, ca} over IPC, then answers {rss, cpu} probes until told to stop.
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { join } from 'node:path';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { startInterceptor } from '../../interceptor/index.ts';
import { StaticSecretResolver } from '../../signer/authenticity/secrets/static.ts';
import { issueBundle } from '../../signer/tls/bundle.ts';
import { pae } from '../../signer/dsse/pae.ts';
import { SqliteEventStore } from '../../signer/events/stores/sqlite.ts';
import { LocalSigner } from '../../signer/keys/local.ts';
import { silentLogger, startSignerServer } from '../../signer/server/index.ts';
import { BENCH_SECRET } from './payloads.ts';

type Started = { url: string; ca?: string; close(): Promise<void> };

async function bare(keyPem: string, tls: boolean): Promise<Started> {
  const key = createPrivateKey(keyPem);
  const bundle = tls ? issueBundle({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] }, new Date()) : undefined;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { body: string; context: { event_id: string } };
      JSON.parse(r.body); // the webhook body must be JSON (the interceptor refuses it otherwise)
      const hex = createHash('sha256').update(r.body, 'utf8').digest('hex');
      const statement = Buffer.from(
        JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: r.context.event_id, digest: { sha256: hex } }], predicateType: 'x', predicate: { body: r.body } }),
      );
      const sig = sign('sha256', pae('application/vnd.in-toto+json', statement), key).toString('base64');
      const text = JSON.stringify({ continue: true, extensions: { provenance: { digest: `sha256:${hex}`, signature: sig } } });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
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

async function signer(keyPem: string, dir: string, socketPath: string): Promise<Started> {
  // BENCH_STORE=memory: the same SQLite store without a file (no fsync), to isolate durability cost.
  const store = new SqliteEventStore(process.env.BENCH_STORE === 'memory' ? ':memory:' : join(dir, 'events.db'));
  const server = await startSignerServer({
    socketPath,
    signer: LocalSigner.fromPem(keyPem),
    store,
    logger: silentLogger,
    // The signer checks each webhook's HMAC itself (the interceptor holds no secret).
    secrets: new StaticSecretResolver({ 'bench/secret': BENCH_SECRET }),
  });
  return {
    url: socketPath,
    close: async () => {
      await server.close();
      await store.close();
    },
  };
}

async function interceptor(dir: string, socketPath: string): Promise<Started> {
  const srv = await startInterceptor({
    host: '127.0.0.1',
    port: 0,
    signerSocket: socketPath,
    tls: { kind: 'directory', dir: join(dir, 'tls') },
    logger: { info: () => undefined, warn: () => undefined, error: (m) => process.stderr.write(`${m}\n`) },
  });
  return { url: `${srv.url}/`, ca: srv.caCert(), close: () => srv.close() };
}

const [kind, keyPem, dir, socket] = [process.argv[2], process.env.BENCH_KEY_PEM ?? '', process.env.BENCH_DIR ?? '', process.env.BENCH_SOCKET ?? ''];
const started =
  kind === 'signer' ? await signer(keyPem, dir, socket) : kind === 'interceptor' ? await interceptor(dir, socket) : await bare(keyPem, kind === 'bare-https');
process.send?.({ type: 'ready', url: started.url, ca: started.ca });
process.on('message', (msg: { type: string }) => {
  if (msg.type === 'probe') process.send?.({ type: 'probe', rss: process.memoryUsage().rss, cpu: process.cpuUsage() });
  if (msg.type === 'stop') void started.close().finally(() => process.exit(0));
});
