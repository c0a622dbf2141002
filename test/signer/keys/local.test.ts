import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { LocalSigner, PublicKeyVerifier, algorithmOf } from '../../../signer/keys/local.ts';
import { KEY_TYPES, generateKeyPair, pemPair } from '../../../signer/keys/generate.ts';

test('each generated key type signs and its public key verifies; the keyids agree', async () => {
  for (const type of KEY_TYPES) {
    const { privateKey } = generateKeyPair(type);
    const signer = new LocalSigner(privateKey);
    const { publicPem } = pemPair(privateKey);
    const verifier = PublicKeyVerifier.fromPem(publicPem);
    const sig = await signer.sign(Buffer.from('message'));
    assert.ok(verifier.verify(Buffer.from('message'), sig), type);
    assert.ok(!verifier.verify(Buffer.from('messagE'), sig), type);
    assert.equal(verifier.keyid, signer.keyid);
    assert.equal(verifier.algorithm, signer.algorithm);
  }
  assert.equal(generateKeyPair('rsa').privateKey.asymmetricKeyDetails?.modulusLength, 3072);
});

test('ECDSA signatures are DER (SEQUENCE), and garbage signatures are false, not exceptions', async () => {
  const signer = new LocalSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  const sig = await signer.sign(Buffer.from('m'));
  assert.equal(sig[0], 0x30);
  const verifier = new PublicKeyVerifier(signer.publicKey);
  assert.equal(verifier.verify(Buffer.from('m'), Buffer.alloc(0)), false);
  assert.equal(verifier.verify(Buffer.from('m'), Buffer.from([0x30, 0x02, 0x01])), false);
});

test('P-384 uses SHA-384; a public key cannot sign; a private key given to a verifier is reduced to its public half', () => {
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  assert.equal(algorithmOf(p384.privateKey), 'ecdsa-p384-sha384');
  assert.throws(() => new LocalSigner(p384.publicKey), { code: 'UNSUPPORTED_KEY' });
  assert.equal(new PublicKeyVerifier(p384.privateKey).publicKey.type, 'public');
  assert.throws(() => algorithmOf(generateKeyPairSync('ec', { namedCurve: 'P-521' }).publicKey), {
    code: 'UNSUPPORTED_CURVE',
  });
  assert.throws(() => algorithmOf(generateKeyPairSync('x448').publicKey), { code: 'UNSUPPORTED_KEY' });
});
