import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSigner, loadVerifiers } from '../../../signer/keys/sources.ts';
import { encryptCosignKey, decryptCosignKey } from '../../../signer/keys/cosign.ts';
import { signEnvelope } from '../../../signer/dsse/sign.ts';
import { verifyEnvelope } from '../../../signer/dsse/verify.ts';
import { cosignKeyFixture, openCosignKeyIndependently } from './cosign-fixture.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cosign-keys-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const env = (password: string): NodeJS.ProcessEnv => ({ COSIGN_PASSWORD: password });

async function signsAndVerifies(
  keyPath: string,
  opts: Parameters<typeof loadSigner>[1],
  pubPem: string,
): Promise<void> {
  const signer = await loadSigner(keyPath, opts);
  const pub = write(`pub-${Math.random()}.pub`, pubPem);
  const env2 = await signEnvelope('text/plain', Buffer.from('hi'), [signer]);
  assert.deepEqual(verifyEnvelope(env2, await loadVerifiers(pub)).keyids, [signer.keyid]);
}

for (const label of ['ENCRYPTED SIGSTORE PRIVATE KEY', 'ENCRYPTED COSIGN PRIVATE KEY']) {
  test(`an independently built "${label}" loads with COSIGN_PASSWORD and signs`, async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const path = write(`${label.split(' ')[1]}.key`, cosignKeyFixture(privateKey, 's3cret', { label }));
    await signsAndVerifies(
      path,
      { env: env('s3cret') },
      publicKey.export({ type: 'spki', format: 'pem' }) as string,
    );
  });
}

test('every allowed N works; the password may come from a password file (exact bytes)', async () => {
  for (const N of [65536, 131072]) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const path = write(`n${N}.key`, cosignKeyFixture(privateKey, 'pw\n', { N }));
    const pwFile = write(`n${N}.password`, 'pw\n');
    await signsAndVerifies(
      path,
      { passwordFile: pwFile, env: {} },
      publicKey.export({ type: 'spki', format: 'pem' }) as string,
    );
  }
});

test('an empty password is a real password when COSIGN_PASSWORD is set but empty', async () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const path = write('empty.key', cosignKeyFixture(privateKey, ''));
  assert.ok((await loadSigner(path, { env: env('') })).keyid.startsWith('SHA256:'));
  await assert.rejects(loadSigner(path, { env: {} }), { code: 'NO_PASSWORD', message: /COSIGN_PASSWORD/ });
});

test('a wrong password says "wrong password or tampered key file"', async () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const path = write('wrong.key', cosignKeyFixture(privateKey, 'right'));
  await assert.rejects(loadSigner(path, { env: env('wrong') }), {
    code: 'WRONG_PASSWORD',
    message: /wrong password or tampered key file/,
  });
});

test('tampering: a flipped ciphertext byte fails the MAC; broken PEM/JSON is TAMPERED_KEY', async () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = cosignKeyFixture(privateKey, 'pw');
  const body = pem.split('\n').slice(1, -2).join('');
  const doc = JSON.parse(Buffer.from(body, 'base64').toString());
  const ct = Buffer.from(doc.ciphertext, 'base64');
  ct[5]! ^= 1;
  const rewrap = (d: unknown): string =>
    `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n${Buffer.from(typeof d === 'string' ? d : JSON.stringify(d)).toString('base64')}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n`;
  await assert.rejects(
    decryptCosignKey(rewrap({ ...doc, ciphertext: ct.toString('base64') }), Buffer.from('pw')),
    { code: 'WRONG_PASSWORD' },
  );
  await assert.rejects(decryptCosignKey(rewrap('{"kdf":'), Buffer.from('pw')), {
    code: 'TAMPERED_KEY',
    message: /not JSON/,
  });
  await assert.rejects(
    decryptCosignKey(rewrap({ ...doc, cipher: { ...doc.cipher, nonce: 'AAAA' } }), Buffer.from('pw')),
    { code: 'TAMPERED_KEY', message: /nonce/ },
  );
  await assert.rejects(decryptCosignKey(rewrap({ ...doc, ciphertext: '***' }), Buffer.from('pw')), {
    code: 'TAMPERED_KEY',
  });
  await assert.rejects(decryptCosignKey(pem.slice(0, pem.length - 20), Buffer.from('pw')), {
    code: 'TAMPERED_KEY',
    message: /PEM block/,
  });
  // A correct MAC over something that is not a PKCS#8 key (re-encrypted junk).
  const junk = cosignKeyFixture(privateKey, 'pw', { plaintext: Buffer.from('not a key') });
  await assert.rejects(decryptCosignKey(junk, Buffer.from('pw')), {
    code: 'TAMPERED_KEY',
    message: /not a PKCS#8/,
  });
});

test('scrypt parameters outside the allowlist are refused before any work', async () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  for (const params of [{ N: 16384 }, { N: 1 << 20 }, { N: 32768, r: 16 }, { N: 32768, p: 2 }]) {
    const pem = cosignKeyFixture(privateKey, 'pw', params);
    const started = Date.now();
    await assert.rejects(decryptCosignKey(pem, Buffer.from('pw')), {
      code: 'SCRYPT_PARAMS_REFUSED',
      message: /refused/,
    });
    assert.ok(Date.now() - started < 5000);
  }
});

test('other kdf or cipher names are named in the error', async () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await assert.rejects(
    decryptCosignKey(cosignKeyFixture(privateKey, 'pw', { kdfName: 'argon2' }), Buffer.from('pw')),
    { code: 'UNSUPPORTED_KDF', message: /argon2/ },
  );
  await assert.rejects(
    decryptCosignKey(cosignKeyFixture(privateKey, 'pw', { cipherName: 'aes-gcm' }), Buffer.from('pw')),
    {
      code: 'UNSUPPORTED_CIPHER',
    },
  );
});

test('a cosign key on an unsupported curve is UNSUPPORTED_CURVE', async () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
  const path = write('k1.key', cosignKeyFixture(privateKey, 'pw'));
  await assert.rejects(loadSigner(path, { env: env('pw') }), {
    code: 'UNSUPPORTED_CURVE',
    message: /secp256k1/,
  });
});

test('what we write (N=65536, SIGSTORE label) opens with tweetnacl and loads back', async () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = await encryptCosignKey(privateKey, Buffer.from('pw'));
  assert.match(pem, /^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n/);
  const body = JSON.parse(Buffer.from(pem.split('\n').slice(1, -2).join(''), 'base64').toString());
  assert.deepEqual(body.kdf.params, { N: 65536, r: 8, p: 1 });
  const der = openCosignKeyIndependently(pem, 'pw');
  assert.ok(der);
  const reopened = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  assert.equal(
    createPublicKey(reopened).export({ format: 'jwk' }).x,
    createPublicKey(privateKey).export({ format: 'jwk' }).x,
  );
  assert.equal(openCosignKeyIndependently(pem, 'nope'), null);
  await assert.rejects(encryptCosignKey(privateKey, Buffer.from('pw'), 1024), {
    code: 'SCRYPT_PARAMS_REFUSED',
  });
});
