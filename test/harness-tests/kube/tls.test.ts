import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { _forgeCertForTests, servingCert } from '../../harness/kube/tls.ts';

for (const [label, make] of [
  ['openssl (default)', servingCert],
  ['node-forge fallback', async () => _forgeCertForTests()],
] as const) {
  test(`serving cert via ${label}: self-signed CA for 127.0.0.1 and localhost, key matches`, async () => {
    const { certPem, keyPem } = await make();
    const cert = new X509Certificate(certPem);
    assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(cert.checkHost('localhost'), 'localhost');
    assert.equal(cert.ca, true);
    assert.ok(cert.verify(cert.publicKey), 'self-signed');
    assert.ok(cert.checkPrivateKey(createPrivateKey(keyPem)));
  });
}
