// Slow clients: on the interceptor's HTTPS port (a stalled TLS handshake, stalled headers, a
// stalled body, too many connections, idle keep-alive), on the admission webhook's (the same
// server, signer/https), and on the signer's socket (the framed preface then silence, half a
// frame, nothing at all, stalled HTTP headers, too many connections). Timeouts are shortened
// by option here; production uses the defaults (signer/https/limits.ts, SIGNER_SERVER_LIMITS),
// which docs/security.md lists.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as netConnect, createConnection, type Socket } from 'node:net';
import { request as httpsRequest } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { startAdmission, StaticPolicySource, type RunningAdmission } from '../../admission/index.ts';
import { memoryLogger, startInterceptor, type RunningInterceptor } from '../../interceptor/index.ts';
import { PREFACE, frameHeader, FrameKind } from '../../signer/protocol/frames.ts';
import { silentLogger, startSignerServer, type SignerServer } from '../../signer/server/index.ts';
import { memoryLogger as admissionLogger } from '../admission/support/memory-logger.ts';
import { makeTestCertificates } from '../harness/eventlistener/test-ca.ts';
import { githubRequest } from '../interceptor/helpers/requests.ts';
import { startSignerFixture, type SignerFixture } from '../interceptor/helpers/signer.ts';

const LIMITS = { headersTimeoutMs: 400, requestTimeoutMs: 1200, handshakeTimeoutMs: 400, keepAliveTimeoutMs: 2000, maxConnections: 20 };

/** Resolves with how long `socket` stayed open (ms), or rejects after `maxMs`. */
function closedWithin(socket: Socket, maxMs: number): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still open after ${maxMs} ms`)), maxMs);
    socket.on('error', () => undefined);
    socket.resume(); // read whatever the server says (a 408), so its end is seen
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
  });
}

/** 60 TCP connections to an HTTPS port capped at LIMITS.maxConnections: the extra ones close at once, the held ones at the handshake timeout. */
async function capDropsTheExtra(port: number): Promise<void> {
  const sockets = Array.from({ length: 60 }, () => netConnect(port, '127.0.0.1'));
  await Promise.all(sockets.map((s) => connected(s).catch(() => undefined)));
  const closedFast = await Promise.all(sockets.map((s) => closedWithin(s, 250).then(() => true, () => false)));
  const dropped = closedFast.filter(Boolean).length;
  assert.ok(dropped >= 60 - LIMITS.maxConnections, `${dropped} of 60 dropped at once (cap ${LIMITS.maxConnections})`);
  await Promise.all(sockets.map((s) => (s.destroyed ? undefined : closedWithin(s, 3_000))));
}

function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
}

describe('interceptor HTTPS: slow clients are cut, the connection count is capped', () => {
  let fx: SignerFixture;
  let interceptor: RunningInterceptor;
  let ca: string;
  let port: number;
  before(async () => {
    fx = await startSignerFixture();
    const certs = makeTestCertificates();
    ca = certs.caPem;
    interceptor = await startInterceptor({
      host: '127.0.0.1',
      port: 0,
      signerSocket: fx.socketPath,
      tls: { kind: 'pem', cert: certs.certPem, key: certs.keyPem },
      logger: memoryLogger(),
      server: LIMITS,
    });
    port = interceptor.port;
  });
  after(async () => {
    await interceptor.close();
    await fx.close();
  });

  test('a stalled TLS handshake (TCP open, nothing or half a ClientHello) is dropped at the handshake timeout', async () => {
    const silent = netConnect(port, '127.0.0.1');
    const half = netConnect(port, '127.0.0.1');
    await Promise.all([connected(silent), connected(half)]);
    half.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])); // a record header promising 512 bytes, then nothing
    const [a, b] = await Promise.all([closedWithin(silent, 3_000), closedWithin(half, 3_000)]);
    assert.ok(a >= 300 && b >= 300, `${a} ${b}`);
  });

  test('stalled headers are cut at the headers timeout; a stalled body at the request timeout; nothing is stored', async () => {
    const before = fx.storedCount();
    const headers = tlsConnect({ port, host: '127.0.0.1', ca, servername: 'localhost' });
    const body = tlsConnect({ port, host: '127.0.0.1', ca, servername: 'localhost' });
    await Promise.all([connected(headers), connected(body)]);
    headers.write('POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n'); // no blank line, ever
    body.write('POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"body":"');
    const [h, b] = await Promise.all([closedWithin(headers, 3_000), closedWithin(body, 4_000)]);
    assert.ok(h >= 300 && h < 3_000, `headers cut after ${h} ms`);
    assert.ok(b >= 1_000, `body cut after ${b} ms (request timeout 1200 ms)`);
    assert.equal(fx.storedCount(), before);
  });

  test(`more than ${LIMITS.maxConnections} connections: the extra ones are dropped at once; the held ones expire; then a real event is signed`, async () => {
    await capDropsTheExtra(port);
    const res = await postEvent(JSON.stringify(githubRequest()));
    assert.equal(res.continue, true);
  });

  test('an idle keep-alive connection outlives the headers timeout (the EL reuses it) and is closed at the keep-alive timeout', async () => {
    const s = tlsConnect({ port, host: '127.0.0.1', ca, servername: 'localhost' });
    await connected(s);
    let seen = '';
    s.on('data', (c: Buffer) => (seen += c.toString()));
    const answers = async (n: number) => {
      for (let i = 0; i < 100 && (seen.match(/HTTP\/1\.1 200/g) ?? []).length < n; i++) await sleep(20);
      return (seen.match(/HTTP\/1\.1 200/g) ?? []).length;
    };
    s.write('GET /live HTTP/1.1\r\nHost: localhost\r\n\r\n');
    assert.equal(await answers(1), 1);
    await sleep(LIMITS.headersTimeoutMs * 2); // idle longer than the headers timeout
    s.write('GET /live HTTP/1.1\r\nHost: localhost\r\n\r\n');
    assert.equal(await answers(2), 2, 'the same connection still serves');
    const idleFor = await closedWithin(s, LIMITS.keepAliveTimeoutMs + 2_000);
    assert.ok(idleFor >= LIMITS.keepAliveTimeoutMs - 300, `closed after ${idleFor} ms idle`);
  });

  function postEvent(body: string): Promise<{ continue?: boolean }> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port, path: '/', method: 'POST', ca, servername: 'localhost', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(JSON.parse(text) as { continue?: boolean }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }
});

describe('admission webhook HTTPS: the same slow-client bounds as the interceptor', () => {
  let admission: RunningAdmission;
  let ca: string;
  let port: number;
  before(async () => {
    const certs = makeTestCertificates();
    ca = certs.caPem;
    admission = await startAdmission({
      host: '127.0.0.1',
      port: 0,
      tls: { kind: 'pem', cert: certs.certPem, key: certs.keyPem },
      policies: new StaticPolicySource([]),
      logger: admissionLogger(),
      server: LIMITS,
    });
    port = admission.port;
  });
  after(async () => {
    await admission.close();
  });

  test('a stalled handshake, stalled headers and a stalled AdmissionReview body are each cut at their timeout', async () => {
    const handshake = netConnect(port, '127.0.0.1');
    const headers = tlsConnect({ port, host: '127.0.0.1', ca, servername: 'localhost' });
    const body = tlsConnect({ port, host: '127.0.0.1', ca, servername: 'localhost' });
    await Promise.all([connected(handshake), connected(headers), connected(body)]);
    headers.write('POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n'); // no blank line, ever
    body.write('POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"request":');
    const [t, h, b] = await Promise.all([closedWithin(handshake, 3_000), closedWithin(headers, 3_000), closedWithin(body, 4_000)]);
    assert.ok(t >= 300 && t < 3_000, `handshake cut after ${t} ms`);
    assert.ok(h >= 300 && h < 3_000, `headers cut after ${h} ms`);
    assert.ok(b >= 1_000, `body cut after ${b} ms (request timeout 1200 ms)`);
  });

  test(`more than ${LIMITS.maxConnections} connections: the extra ones are dropped at once; the held ones expire; then the webhook still answers`, async () => {
    await capDropsTheExtra(port);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port, path: '/live', ca, servername: 'localhost', agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 200);
  });
});

describe('signer socket: silent peers are dropped, the connection count is capped', () => {
  let fx: SignerFixture;
  let server: SignerServer;
  let socketPath: string;
  before(async () => {
    fx = await startSignerFixture();
    await fx.stop(); // replaced by a server with short limits on the same store
    socketPath = `${fx.socketPath}.short`;
    server = await startSignerServer({
      socketPath,
      signer: fx.signer,
      store: fx.store,
      logger: silentLogger,
      limits: { framedIdleMs: 400, sniffTimeoutMs: 400, headersTimeoutMs: 400, requestTimeoutMs: 1200, maxConnections: 5 },
    });
  });
  after(async () => {
    await server.close();
    await fx.close();
  });

  test('the framed preface then silence, half a frame then silence, and nothing at all: each is closed', async () => {
    const preface = createConnection(socketPath);
    const half = createConnection(socketPath);
    const nothing = createConnection(socketPath);
    await Promise.all([connected(preface), connected(half), connected(nothing)]);
    preface.write(PREFACE);
    half.write(Buffer.concat([PREFACE, frameHeader(FrameKind.SignEventBy, 1, 1000), Buffer.alloc(10)]));
    const times = await Promise.all([closedWithin(preface, 3_000), closedWithin(half, 3_000), closedWithin(nothing, 3_000)]);
    assert.ok(times.every((t) => t >= 300), times.join(' '));
  });

  test('stalled HTTP headers on the socket are cut at the headers timeout', async () => {
    const s = createConnection(socketPath);
    await connected(s);
    s.write('GET /v1/healthz HTTP/1.1\r\nHost: signer\r\n');
    const t = await closedWithin(s, 3_000);
    assert.ok(t >= 300, `${t}`);
  });

  test('past maxConnections, new connections are dropped at once', async () => {
    const sockets = Array.from({ length: 12 }, () => createConnection(socketPath));
    await Promise.all(sockets.map((s) => connected(s).catch(() => undefined)));
    const fast = await Promise.all(sockets.map((s) => closedWithin(s, 200).then(() => true, () => false)));
    assert.ok(fast.filter(Boolean).length >= 7, `${fast.filter(Boolean).length} of 12 dropped at once (cap 5)`);
    for (const s of sockets) s.destroy();
  });
});
