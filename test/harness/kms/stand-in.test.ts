import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { signDigestEcdsa } from './ecdsa-prehashed.ts';
import { KmsStandIn, STAND_IN_CREDENTIALS } from './server.ts';

/** The stand-in must itself be right, or the KMS tests prove nothing. */

test('prehashed ECDSA signatures verify with node:crypto (P-256/SHA-256, P-384/SHA-384) and are deterministic', () => {
  for (const [curve, hash] of [['P-256', 'sha256'], ['P-384', 'sha384']] as const) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
    for (let i = 0; i < 10; i++) {
      const message = Buffer.from(`message ${i}`);
      const digest = createHash(hash).update(message).digest();
      const sig = signDigestEcdsa(privateKey, digest);
      assert.equal(verify(hash, message, publicKey, sig), true, `${curve} #${i}`);
      assert.equal(verify(hash, Buffer.from(`other ${i}`), publicKey, sig), false);
      assert.deepEqual(signDigestEcdsa(privateKey, digest), sig); // RFC 6979: same digest, same signature
    }
  }
});

describe('KMS stand-in protocol checks', () => {
  let kms: KmsStandIn;
  let client: KMSClient;
  before(async () => {
    kms = await KmsStandIn.start();
    client = new KMSClient({ region: kms.region, endpoint: `http://${kms.endpoint}`, credentials: STAND_IN_CREDENTIALS, maxAttempts: 1 });
  });
  after(async () => {
    client.destroy();
    await kms.close();
  });

  const post = (headers: Record<string, string>, body: string): Promise<Response> =>
    fetch(`http://${kms.endpoint}/`, { method: 'POST', headers, body });

  test('an unsigned request is refused with MissingAuthenticationTokenException', async () => {
    const res = await post({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.GetPublicKey' }, '{"KeyId":"alias/provenance-p256"}');
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { __type: string }).__type, 'MissingAuthenticationTokenException');
  });

  test('a forged signature is refused with InvalidSignatureException', async () => {
    const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const res = await post({
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'TrentService.GetPublicKey',
      'x-amz-date': date,
      authorization: `AWS4-HMAC-SHA256 Credential=${STAND_IN_CREDENTIALS.accessKeyId}/${date.slice(0, 8)}/${kms.region}/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
    }, '{"KeyId":"alias/provenance-p256"}');
    assert.equal(((await res.json()) as { __type: string }).__type, 'InvalidSignatureException');
  });

  test('a body over the limit is refused with 413', async () => {
    const res = await post({ 'content-type': 'application/x-amz-json-1.1' }, 'x'.repeat(70 * 1024));
    assert.equal(res.status, 413);
  });

  test('RAW messages are capped at 4096 bytes, as in AWS KMS; DIGEST must have the hash length', async () => {
    const sign = (Message: Buffer, MessageType: 'RAW' | 'DIGEST') =>
      client.send(new SignCommand({ KeyId: 'alias/provenance-p256', Message, MessageType, SigningAlgorithm: 'ECDSA_SHA_256' }));
    const raw = await sign(Buffer.alloc(4096, 1), 'RAW');
    assert.equal(verify('sha256', Buffer.alloc(4096, 1), kms.ecKey.publicKey, Buffer.from(raw.Signature ?? [])), true);
    await assert.rejects(sign(Buffer.alloc(4097, 1), 'RAW'), { name: 'ValidationException' });
    await assert.rejects(sign(Buffer.alloc(31, 1), 'DIGEST'), { name: 'ValidationException' });
  });

  test('an ENCRYPT_DECRYPT key refuses Sign with InvalidKeyUsageException', async () => {
    const send = client.send(new SignCommand({
      KeyId: kms.encryptKey.keyId, Message: Buffer.alloc(32), MessageType: 'DIGEST', SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
    }));
    await assert.rejects(send, { name: 'InvalidKeyUsageException' });
  });
});
