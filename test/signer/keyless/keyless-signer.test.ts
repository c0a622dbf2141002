import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { X509Certificate } from 'node:crypto';
import { FulcioClient } from '../../../signer/keyless/fulcio-client.ts';
import { KeylessSigner } from '../../../signer/keyless/keyless-signer.ts';
import { HttpTransport } from '../../../signer/remote/transport.ts';
import { FulcioStandIn } from '../../harness/fulcio/index.ts';
import { OidcIssuerStandIn } from '../../harness/oidc/index.ts';

const NS = 'tekton-provenance';
const SA = 'tekton-provenance-controller';
const SAN = `https://kubernetes.io/namespaces/${NS}/serviceaccounts/${SA}`;

let oidc: OidcIssuerStandIn;
let fulcio: FulcioStandIn;
let dir: string;
let tokenFile: string;
const fast = () => new FulcioClient(fulcio.url, new HttpTransport({ retries: 2, backoffMs: 5, maxBackoffMs: 20, timeoutMs: 300 }, 'FULCIO'));
const keyless = (over: Partial<ConstructorParameters<typeof KeylessSigner>[0]> = {}) => new KeylessSigner({ fulcio: fast(), tokenFile, issuer: oidc.url, ...over });

before(async () => {
  oidc = await OidcIssuerStandIn.start();
  fulcio = await FulcioStandIn.start({ issuers: [oidc.url], slowMs: 1000 });
  dir = mkdtempSync(join(tmpdir(), 'keyless-'));
  tokenFile = join(dir, 'oidc-token');
});
after(async () => {
  await fulcio.close();
  await oidc.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  fulcio.clearFaults();
  writeFileSync(tokenFile, oidc.mint({ namespace: NS, serviceAccount: SA }));
});

describe('keyless signer (Fulcio v2 stand-in, ServiceAccount token)', () => {
  test('root -> intermediate -> leaf for the ServiceAccount, with the Fulcio issuer extensions; one key per certificate', async () => {
    const s = await keyless().session();
    assert.equal(s.certificates.length, 3);
    const [leaf, inter, root] = s.certificates.map((c) => new X509Certificate(c)) as [X509Certificate, X509Certificate, X509Certificate];
    assert.equal(s.identity, SAN);
    assert.equal(leaf.subjectAltName, `URI:${SAN}`);
    assert.ok(leaf.verify(inter.publicKey) && inter.verify(root.publicKey));
    assert.ok(leaf.publicKey.equals(s.signer.publicKey), 'the certificate is for the ephemeral key');
    assert.ok(leaf.raw.includes(Buffer.from(oidc.url)), 'issuer extension 1.3.6.1.4.1.57264.1.1/.8');
  });

  test('the certificate is cached until shortly before it expires; the token file is re-read for each request', async () => {
    let now = new Date();
    const signer = keyless({ now: () => now, cache: { retryAfterMs: 1000 } });
    const before = fulcio.issued;
    const [a, b] = await Promise.all([signer.session(), signer.session()]);
    const c = await signer.session();
    assert.equal(fulcio.issued - before, 1, 'concurrent and later callers share one certificate');
    assert.equal(a, b);
    assert.equal(a, c);
    now = new Date(a.notAfter.getTime() - 60_000); // inside the 2-minute margin: refreshed in the background
    writeFileSync(tokenFile, 'not-a-jwt');
    assert.equal(await signer.session(), a, 'a failed refresh keeps the still-valid certificate');
    now = new Date(a.notAfter.getTime() - 10_000); // under the 30 s floor: the caller waits for a new one
    await assert.rejects(signer.session(), { code: 'KEYLESS_TOKEN_INVALID' });
    writeFileSync(tokenFile, oidc.mint({ namespace: NS, serviceAccount: SA }));
    now = new Date(now.getTime() + 2000); // past the retry pause
    const d = await signer.session();
    assert.notEqual(d.signer.publicKey.export({ format: 'jwk' }).x, a.signer.publicKey.export({ format: 'jwk' }).x, 'a new ephemeral key');
  });

  test('bad tokens: expired (no Fulcio call), wrong audience, foreign signature, other issuer', async () => {
    const calls = fulcio.requests.length;
    writeFileSync(tokenFile, oidc.mint({ namespace: NS, serviceAccount: SA, ttlSeconds: -5 }));
    await assert.rejects(keyless().session(), { code: 'KEYLESS_TOKEN_EXPIRED' });
    assert.equal(fulcio.requests.length, calls);
    writeFileSync(tokenFile, oidc.mint({ namespace: NS, serviceAccount: SA, audience: 'https://kubernetes.default.svc' }));
    await assert.rejects(keyless().session(), (err: Error & { code?: string }) => err.code === 'FULCIO_REJECTED' && /audience/.test(err.message));
    writeFileSync(tokenFile, oidc.mint({ namespace: NS, serviceAccount: SA, foreignKey: true }));
    await assert.rejects(keyless().session(), (err: Error & { code?: string }) => err.code === 'FULCIO_REJECTED' && /signature/.test(err.message));
    writeFileSync(tokenFile, oidc.mint({ namespace: NS, serviceAccount: SA }));
    await assert.rejects(keyless({ issuer: 'https://oauth2.sigstore.dev/auth' }).session(), { code: 'KEYLESS_WRONG_ISSUER' });
  });

  test('Fulcio down, slow, garbage: bounded retries then coded errors', async () => {
    fulcio.injectFaults('down', 10);
    const start = fulcio.requests.length;
    await assert.rejects(keyless().session(), { code: 'FULCIO_UNREACHABLE' });
    assert.equal(fulcio.requests.length - start, 3);
    fulcio.clearFaults();
    fulcio.injectFaults('slow', 10);
    await assert.rejects(keyless().session(), { code: 'FULCIO_TIMEOUT' });
    fulcio.clearFaults();
    fulcio.injectFaults('garbage', 1);
    await assert.rejects(keyless().session(), { code: 'FULCIO_BAD_RESPONSE' });
    fulcio.injectFaults('internal-error', 2);
    assert.ok(await keyless().session(), 'two 500s, then a certificate');
  });

  test('a certificate for another identity is taken as issued: verifiers pinning the identity refuse it', async () => {
    fulcio.injectFaults('other-identity', 1);
    const s = await keyless().session();
    assert.equal(s.identity, `https://kubernetes.io/namespaces/${NS}/serviceaccounts/someone-else`);
    assert.notEqual(s.identity, SAN); // verify --certificate-identity SAN fails it: test/e2e/keyless.test.ts
  });
});
