import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startInterceptor } from '../../interceptor/index.ts';
import { memoryLogger } from '../../interceptor/observe/logger.ts';
import { peerCertificate, postHttps } from './helpers/https.ts';
import { githubRequest } from './helpers/requests.ts';
import { startSignerFixture, type SignerFixture } from './helpers/signer.ts';

/** Bytes the relay has received from the interceptor (the 8-byte preface, then frames). */
let relayed = 0;

/** A UDS relay to the real signer that holds each request `delayMs` (a slow signer). */
function slowRelay(path: string, target: string, delayMs: number): Promise<Server> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    const upstream = connect(target);
    client.on('data', (chunk) => {
      relayed += chunk.length;
      setTimeout(() => upstream.write(chunk), delayMs);
    });
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    upstream.on('error', () => client.destroy());
  });
  return new Promise((resolve) => server.listen(path, () => resolve(server)));
}

let fx: SignerFixture;
let dir: string;
let relay: Server;
before(async () => {
  fx = await startSignerFixture();
  dir = mkdtempSync(join(tmpdir(), 'tp-shutdown-'));
  relay = await slowRelay(join(dir, 'slow.sock'), fx.socketPath, 400);
});
after(async () => {
  relay.close();
  await fx.close();
  rmSync(dir, { recursive: true, force: true });
});

test('close() stops accepting but finishes the in-flight request, which is signed and stored', async () => {
  const srv = await startInterceptor({
    host: '127.0.0.1',
    port: 0,
    signerSocket: join(dir, 'slow.sock'),
    tls: { kind: 'directory', dir: join(dir, 'tls') },
    logger: memoryLogger(),
  });
  const ca = srv.caCert()!;
  const req = githubRequest();
  const before = relayed;
  const inFlight = postHttps(`${srv.url}/`, ca, JSON.stringify(req));
  // Close only once the request is really in flight (its frame reached the slow signer), not
  // after a fixed delay: on a loaded VM the TLS handshake alone can take longer. Bounded: 10 s.
  for (let i = 0; i < 400 && relayed <= before + 8; i++) await new Promise((r) => setTimeout(r, 25));
  const closed = srv.close();
  // New connections are refused at once.
  // Refused, or reset when the connect races the listening socket's close (both: not served).
  await assert.rejects(peerCertificate(srv.port, { ca, servername: 'localhost' }), /ECONNREFUSED|ECONNRESET/);
  const res = await inFlight;
  assert.equal(res.status, 200);
  assert.equal((res.json as { continue: boolean }).continue, true);
  assert.ok(await fx.store.getByEventId(req.context!.event_id), 'acknowledged means stored');
  await closed;
});
