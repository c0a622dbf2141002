import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadAwsKmsSigner, type AwsKmsSigner } from '../../../../signer/keys/awskms/index.ts';
import { isProvenanceError } from '../../../../signer/errors.ts';
import { PublicKeyVerifier } from '../../../../signer/keys/local.ts';
import { KmsStandIn } from '../../../harness/kms/server.ts';
import { standInOptions } from './options.ts';

/**
 * Retries belong to the SDK's standard retry strategy (exponential backoff with jitter,
 * ThrottlingException and 5xx are retryable); these tests prove they happen by counting the
 * requests the stand-in received. Fault scripts are finite, so nothing here can loop.
 */
describe('AWS KMS retries through the SDK retry strategy', () => {
  let kms: KmsStandIn;
  let signer: AwsKmsSigner;
  let verifier: PublicKeyVerifier;
  before(async () => {
    kms = await KmsStandIn.start();
    signer = await loadAwsKmsSigner(
      kms.uri('alias/provenance-p256'),
      standInOptions(kms, { maxAttempts: 3 }),
    );
    verifier = new PublicKeyVerifier(kms.ecKey.publicKey);
  });
  after(async () => {
    signer.close();
    await kms.close();
  });
  beforeEach(() => kms.clearFaults());

  async function signCountingRequests(data: Buffer): Promise<{ signature: Buffer; requests: number }> {
    const before = kms.requestCount('Sign');
    const signature = await signer.sign(data);
    return { signature, requests: kms.requestCount('Sign') - before };
  }

  test('two ThrottlingException answers, then success: 3 Sign requests, a valid signature', async () => {
    kms.injectFaults('throttle', 2, 'Sign');
    const data = Buffer.from('throttled twice');
    const { signature, requests } = await signCountingRequests(data);
    assert.equal(requests, 3);
    assert.equal(verifier.verify(data, signature), true);
  });

  test('two HTTP 500 KMSInternalException answers, then success: 3 Sign requests', async () => {
    kms.injectFaults('internal-error', 2, 'Sign');
    const data = Buffer.from('500 twice');
    const { signature, requests } = await signCountingRequests(data);
    assert.equal(requests, 3);
    assert.equal(verifier.verify(data, signature), true);
  });

  test('a 503 answer is retried too', async () => {
    kms.injectFaults('unavailable', 1, 'Sign');
    const { requests } = await signCountingRequests(Buffer.from('503 once'));
    assert.equal(requests, 2);
  });

  test('throttling beyond maxAttempts is KMS_THROTTLED after exactly maxAttempts requests', async () => {
    kms.injectFaults('throttle', 5, 'Sign');
    const before = kms.requestCount('Sign');
    await assert.rejects(
      signer.sign(Buffer.from('x')),
      (err) => isProvenanceError(err, 'KMS_THROTTLED') && /3 attempts/.test(err.message),
    );
    assert.equal(kms.requestCount('Sign') - before, 3);
  });

  test('5xx beyond maxAttempts is KMS_UNAVAILABLE after exactly maxAttempts requests', async () => {
    kms.injectFaults('internal-error', 5, 'Sign');
    const before = kms.requestCount('Sign');
    await assert.rejects(signer.sign(Buffer.from('x')), (err) => isProvenanceError(err, 'KMS_UNAVAILABLE'));
    assert.equal(kms.requestCount('Sign') - before, 3);
  });

  test('GetPublicKey at load time is retried the same way', async () => {
    kms.injectFaults('throttle', 1, 'GetPublicKey');
    kms.injectFaults('internal-error', 1, 'GetPublicKey');
    const before = kms.requestCount('GetPublicKey');
    const other = await loadAwsKmsSigner(
      kms.uri('alias/provenance-rsa'),
      standInOptions(kms, { maxAttempts: 3 }),
    );
    other.close();
    assert.equal(kms.requestCount('GetPublicKey') - before, 3);
  });

  test('client errors are not retried: an unknown key is one request', async () => {
    const before = kms.requestCount('GetPublicKey');
    await assert.rejects(
      loadAwsKmsSigner(kms.uri('alias/missing'), standInOptions(kms, { maxAttempts: 3 })),
      (err) => isProvenanceError(err, 'KMS_KEY_NOT_FOUND'),
    );
    assert.equal(kms.requestCount('GetPublicKey') - before, 1);
  });

  test('maxAttempts: 1 disables retries', async () => {
    const once = await loadAwsKmsSigner(
      kms.uri('alias/provenance-p256'),
      standInOptions(kms, { maxAttempts: 1 }),
    );
    try {
      kms.injectFaults('throttle', 1, 'Sign');
      const before = kms.requestCount('Sign');
      await assert.rejects(once.sign(Buffer.from('x')), (err) => isProvenanceError(err, 'KMS_THROTTLED'));
      assert.equal(kms.requestCount('Sign') - before, 1);
    } finally {
      once.close();
    }
  });
});

describe('AWS KMS request timeouts', () => {
  let kms: KmsStandIn;
  before(async () => {
    kms = await KmsStandIn.start();
  });
  after(async () => {
    await kms.close();
  });

  test('a stalled answer times out and is retried; stalls beyond maxAttempts are KMS_UNREACHABLE', async () => {
    const opts = standInOptions(kms, { maxAttempts: 2, requestTimeoutMs: 300 });
    const signer = await loadAwsKmsSigner(kms.uri('alias/provenance-p256'), opts);
    try {
      kms.injectFaults('stall', 1, 'Sign');
      const data = Buffer.from('stalled once');
      const sig = await signer.sign(data);
      assert.equal(new PublicKeyVerifier(kms.ecKey.publicKey).verify(data, sig), true);
      assert.equal(kms.requestCount('Sign'), 2);

      kms.injectFaults('stall', 2, 'Sign');
      await assert.rejects(signer.sign(Buffer.from('stalled twice')), (err) =>
        isProvenanceError(err, 'KMS_UNREACHABLE') && /TimeoutError/.test(err.message),
      );
      assert.equal(kms.requestCount('Sign'), 4);
    } finally {
      signer.close();
    }
  });
});
