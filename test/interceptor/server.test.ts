import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startInterceptor, type RunningInterceptor } from '../../interceptor/index.ts';
import { memoryLogger } from '../../interceptor/observe/logger.ts';
import { issueBundle, serviceDnsNames } from '../../signer/tls/bundle.ts';
import { DirectoryCertStore } from '../../signer/tls/store.ts';
import { peerCertificate, postHttps } from './helpers/https.ts';
import { githubRequest } from './helpers/requests.ts';
import { startSignerFixture, type SignerFixture } from './helpers/signer.ts';

let fx: SignerFixture;
let tlsDir: string;
before(async () => {
  fx = await startSignerFixture();
  tlsDir = mkdtempSync(join(tmpdir(), 'tp-https-'));
});
after(async () => {
  await fx.close();
  rmSync(tlsDir, { recursive: true, force: true });
});

function start(extra: { checkIntervalMs?: number; signerSocket?: string } = {}): Promise<RunningInterceptor> {
  return startInterceptor({
    host: '127.0.0.1',
    port: 0,
    signerSocket: extra.signerSocket ?? fx.socketPath,
    tls: { kind: 'directory', dir: tlsDir, ...(extra.checkIntervalMs ? { checkIntervalMs: extra.checkIntervalMs } : {}) },
    logger: memoryLogger(),
  });
}

describe('HTTPS with a generated CA', () => {
  let srv: RunningInterceptor;
  before(async () => {
    srv = await start();
  });
  after(() => srv.close());

  test('a client trusting only our CA gets a signed answer', async () => {
    const req = githubRequest();
    const res = await postHttps(`${srv.url}/`, srv.caCert()!, JSON.stringify(req));
    assert.equal(res.status, 200);
    assert.equal((res.json as { continue: boolean }).continue, true);
    assert.ok(await fx.store.getByEventId(req.context!.event_id));
  });

  test('a client that does not trust the CA is refused at the handshake', async () => {
    await assert.rejects(peerCertificate(srv.port, { servername: 'localhost' }), /self-signed|unable to verify|self signed/i);
  });

  test('the cert names the Service (hostname verification passes for svc.ns.svc)', async () => {
    const pem = await peerCertificate(srv.port, { ca: srv.caCert(), servername: 'tekton-provenance-interceptor.tekton-provenance.svc' });
    assert.equal(new X509Certificate(pem).checkHost('tekton-provenance-interceptor.tekton-provenance.svc'), 'tekton-provenance-interceptor.tekton-provenance.svc');
  });

  test('TLS 1.1 is refused; TLS 1.2 and 1.3 are served', async () => {
    await assert.rejects(
      peerCertificate(srv.port, { ca: srv.caCert(), minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' }),
      /alert protocol version/,
    );
    await peerCertificate(srv.port, { ca: srv.caCert(), servername: 'localhost', maxVersion: 'TLSv1.2' });
    await peerCertificate(srv.port, { ca: srv.caCert(), servername: 'localhost', minVersion: 'TLSv1.3' });
  });
});

test('a restart reuses the stored cert', async () => {
  const a = await start();
  const certA = await peerCertificate(a.port, { ca: a.caCert(), servername: 'localhost' });
  await a.close();
  const b = await start();
  const certB = await peerCertificate(b.port, { ca: b.caCert(), servername: 'localhost' });
  await b.close();
  assert.equal(certB, certA);
});

test('a new cert in the store is served to new connections without a restart', async () => {
  const srv = await start({ checkIntervalMs: 100 });
  try {
    const before = await peerCertificate(srv.port, { ca: srv.caCert(), servername: 'localhost' });
    const rotated = issueBundle(
      { dnsNames: [...serviceDnsNames('tekton-provenance-interceptor', 'tekton-provenance'), 'localhost'], ipAddresses: ['127.0.0.1'] },
      new Date(),
    );
    await new DirectoryCertStore(tlsDir).save(rotated);
    let served = before;
    for (let i = 0; i < 50 && served === before; i++) {
      await sleep(50);
      served = await peerCertificate(srv.port, { rejectUnauthorized: false, servername: 'localhost' });
    }
    assert.equal(served, new X509Certificate(rotated.serverCert).toString());
    assert.equal(srv.caCert(), rotated.caCert);
    const res = await postHttps(`${srv.url}/`, rotated.caCert, JSON.stringify(githubRequest()));
    assert.equal((res.json as { continue: boolean }).continue, true, 'same server, new cert, still answering');
  } finally {
    await srv.close();
  }
});
