import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { memoryLogger } from '../../../interceptor/observe/logger.ts';
import { issueBundle, judgeBundle, serviceDnsNames, type CertBundle } from '../../../signer/tls/bundle.ts';
import { TlsManager } from '../../../signer/tls/manager.ts';
import { DirectoryCertStore } from '../../../signer/tls/store.ts';

const DAY = 86_400_000;
const identity = { dnsNames: serviceDnsNames('tekton-provenance-interceptor', 'tekton-provenance') };
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function store() {
  const dir = mkdtempSync(join(tmpdir(), 'tp-tls-'));
  dirs.push(dir);
  return new DirectoryCertStore(dir);
}

test('a fresh bundle: ECDSA P-256 CA and a serving cert for the four Service names', () => {
  const b = issueBundle(identity, new Date());
  const ca = new X509Certificate(b.caCert);
  const server = new X509Certificate(b.serverCert);
  assert.equal(ca.ca, true);
  assert.equal(server.ca, false);
  assert.equal(server.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.ok(server.verify(ca.publicKey));
  assert.equal(
    server.subjectAltName,
    'DNS:tekton-provenance-interceptor, DNS:tekton-provenance-interceptor.tekton-provenance, DNS:tekton-provenance-interceptor.tekton-provenance.svc, DNS:tekton-provenance-interceptor.tekton-provenance.svc.cluster.local',
  );
  assert.equal(judgeBundle(b, identity, new Date()), 'valid');
});

test('judge: near expiry re-issues the serving cert, a near-expiry CA or foreign cert replaces all', () => {
  const now = new Date();
  const b = issueBundle(identity, now);
  assert.equal(judgeBundle(b, identity, new Date(now.getTime() + 340 * DAY)), 'renew-server');
  assert.equal(judgeBundle(b, identity, new Date(now.getTime() + 3630 * DAY)), 'replace');
  const other = issueBundle(identity, now);
  assert.equal(judgeBundle({ ...b, serverCert: other.serverCert, serverKey: other.serverKey }, identity, now), 'renew-server');
  assert.equal(judgeBundle({ ...b, caKey: other.caKey }, identity, now), 'replace');
  assert.equal(judgeBundle(b, { dnsNames: ['another.svc'] }, now), 'renew-server');
  assert.equal(judgeBundle({ ...b, caCert: 'garbage' }, identity, now), 'replace');
});

test('the manager generates once, then reuses the stored bundle across restarts', async () => {
  const s = store();
  const first = new TlsManager({ store: s, identity, logger: memoryLogger() });
  const a = await first.start();
  first.stop();
  const second = new TlsManager({ store: s, identity, logger: memoryLogger() });
  const b = await second.start();
  second.stop();
  assert.deepEqual(b, a);
});

test('rotation before expiry keeps the CA (the caBundle stays valid) and tells listeners', async () => {
  const s = store();
  let now = new Date();
  const published: string[] = [];
  const manager = new TlsManager({
    store: s,
    identity,
    logger: memoryLogger(),
    now: () => now,
    publisher: { publish: async (ca) => void published.push(ca) },
  });
  const original = await manager.start();
  manager.stop();
  const seen: CertBundle[] = [];
  manager.onChange((b) => seen.push(b));
  now = new Date(now.getTime() + 340 * DAY); // 25 days left on the serving cert
  await manager.check();
  const renewed = manager.current();
  assert.equal(renewed.caCert, original.caCert);
  assert.notEqual(renewed.serverCert, original.serverCert);
  assert.ok(new X509Certificate(renewed.serverCert).verify(new X509Certificate(original.caCert).publicKey));
  assert.deepEqual(seen, [renewed]);
  assert.deepEqual(published, [original.caCert], 'same CA: published once');
  assert.deepEqual(await s.load(), renewed, 'the re-issued cert is stored');

  now = new Date(now.getTime() + 3300 * DAY); // the CA itself is near expiry
  await manager.check();
  assert.notEqual(manager.current().caCert, original.caCert);
  assert.deepEqual(published, [original.caCert, manager.current().caCert], 'a new CA is published');
});

test('a bundle another replica stored is adopted on the next check (hot reload source)', async () => {
  const s = store();
  const manager = new TlsManager({ store: s, identity, logger: memoryLogger() });
  await manager.start();
  manager.stop();
  const foreign = issueBundle(identity, new Date());
  await s.save(foreign);
  const seen: CertBundle[] = [];
  manager.onChange((b) => seen.push(b));
  await manager.check();
  assert.deepEqual(manager.current(), foreign);
  assert.equal(seen.length, 1);
});
