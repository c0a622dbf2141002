import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { randomUUID } from 'node:crypto';
import { loadAwsKmsSigner, loadAwsKmsVerifier } from '../../../../signer/keys/awskms/index.ts';
import { isProvenanceError } from '../../../../signer/errors.ts';
import { KmsStandIn, STAND_IN_CREDENTIALS } from '../../../harness/kms/server.ts';
import { selfSignedCertificate } from '../../../harness/kms/tls.ts';
import { standInOptions } from './options.ts';

const code = (expected: string) => (err: unknown): boolean => {
  assert.ok(isProvenanceError(err), `expected a ProvenanceError, got ${String(err)}`);
  assert.equal(err.code, expected, err.message);
  return true;
};

describe('AWS KMS failures are clear, coded errors', () => {
  let kms: KmsStandIn;
  before(async () => {
    kms = await KmsStandIn.start();
  });
  after(async () => {
    await kms.close();
  });

  test('a key without signing usage is KMS_KEY_NOT_FOR_SIGNING, for signer and verifier', async () => {
    const uri = kms.uri('alias/provenance-encrypt');
    await assert.rejects(loadAwsKmsSigner(uri, standInOptions(kms)), (err) =>
      code('KMS_KEY_NOT_FOR_SIGNING')(err) && /ENCRYPT_DECRYPT/.test((err as Error).message) && /SIGN_VERIFY/.test((err as Error).message),
    );
    await assert.rejects(loadAwsKmsVerifier(uri, standInOptions(kms)), code('KMS_KEY_NOT_FOR_SIGNING'));
  });

  test('an unknown key id, key ARN or alias is KMS_KEY_NOT_FOUND naming the key', async () => {
    const id = randomUUID();
    for (const ref of [id, `arn:aws:kms:${kms.region}:111122223333:key/${id}`, 'alias/does-not-exist']) {
      await assert.rejects(loadAwsKmsSigner(kms.uri(ref), standInOptions(kms)), (err) =>
        code('KMS_KEY_NOT_FOUND')(err) && (err as Error).message.includes(ref) && /NotFoundException/.test((err as Error).message),
      );
    }
  });

  test('a disabled key is KMS_KEY_DISABLED', async () => {
    kms.keys.create({ alias: 'disabled', enabled: false });
    await assert.rejects(loadAwsKmsSigner(kms.uri('alias/disabled'), standInOptions(kms)), code('KMS_KEY_DISABLED'));
  });

  test('wrong secret, unknown access key or wrong region scope is KMS_ACCESS_DENIED (SigV4 checked)', async () => {
    const uri = kms.uri('alias/provenance-p256');
    const wrongSecret = { ...STAND_IN_CREDENTIALS, secretAccessKey: 'not-the-secret' };
    const unknownKey = { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: STAND_IN_CREDENTIALS.secretAccessKey };
    await assert.rejects(loadAwsKmsSigner(uri, standInOptions(kms, { credentials: wrongSecret })), code('KMS_ACCESS_DENIED'));
    await assert.rejects(loadAwsKmsSigner(uri, standInOptions(kms, { credentials: unknownKey })), code('KMS_ACCESS_DENIED'));
    await assert.rejects(loadAwsKmsSigner(uri, standInOptions(kms, { region: 'eu-west-1' })), code('KMS_ACCESS_DENIED'));
  });

  test('error messages never carry the secret access key', async () => {
    const secret = 'super-secret-value-that-must-not-leak';
    const err = await loadAwsKmsSigner(kms.uri('alias/provenance-p256'), standInOptions(kms, {
      credentials: { accessKeyId: STAND_IN_CREDENTIALS.accessKeyId, secretAccessKey: secret },
    })).catch((e: unknown) => e);
    assert.ok(isProvenanceError(err));
    assert.equal(`${err.message} ${String((err.cause as Error | undefined)?.message)}`.includes(secret), false);
  });

  test('a signature that does not verify with the key is KMS_BAD_RESPONSE, never returned', async () => {
    const signer = await loadAwsKmsSigner(kms.uri('alias/provenance-p256'), standInOptions(kms));
    try {
      kms.injectFaults('bad-signature', 1, 'Sign');
      await assert.rejects(signer.sign(Buffer.from('x')), code('KMS_BAD_RESPONSE'));
    } finally {
      signer.close();
    }
  });

  test('signing stays pinned to the key resolved at load when the alias moves', async () => {
    const first = kms.keys.create({ alias: 'rotating' });
    const signer = await loadAwsKmsSigner(kms.uri('alias/rotating'), standInOptions(kms));
    try {
      const second = kms.keys.create();
      kms.keys.moveAlias('alias/rotating', second);
      await signer.sign(Buffer.from('after rotation'));
      assert.equal(kms.requests.filter((r) => r.target === 'Sign').at(-1)?.keyId, first.arn);
    } finally {
      signer.close();
    }
  });

  test('bad options and URIs fail before any request', async () => {
    const before = kms.requestCount();
    await assert.rejects(loadAwsKmsSigner(kms.uri('alias/provenance-p256'), standInOptions(kms, { maxAttempts: 0 })), code('KMS_CONFIG'));
    await assert.rejects(loadAwsKmsSigner('awskms:///not-a-key', standInOptions(kms)), code('KMS_BAD_URI'));
    await assert.rejects(loadAwsKmsSigner(kms.uri('alias/x'), standInOptions(kms, { endpoint: 'ftp://x' })), code('KMS_CONFIG'));
    assert.equal(kms.requestCount(), before);
  });

  test('the default https scheme against a plain-HTTP endpoint is KMS_UNREACHABLE', async () => {
    const opts = { ...standInOptions(kms, { maxAttempts: 1 }), endpointProtocol: undefined };
    await assert.rejects(loadAwsKmsSigner(kms.uri('alias/provenance-p256'), opts), code('KMS_UNREACHABLE'));
  });
});

test('a closed port is KMS_UNREACHABLE after the retries', async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const opts = { region: 'us-east-1', credentials: STAND_IN_CREDENTIALS, endpointProtocol: 'http' as const, maxAttempts: 2 };
  await assert.rejects(loadAwsKmsSigner(`awskms://127.0.0.1:${port}/alias/x`, opts), code('KMS_UNREACHABLE'));
});

test('an HTTPS endpoint whose certificate is not trusted is KMS_UNREACHABLE', async () => {
  const kms = await KmsStandIn.start({ tls: selfSignedCertificate() });
  try {
    const opts = { ...standInOptions(kms, { maxAttempts: 1 }), endpointProtocol: 'https' as const };
    await assert.rejects(loadAwsKmsSigner(kms.uri('alias/provenance-p256'), opts), (err) =>
      code('KMS_UNREACHABLE')(err) && /certificate/i.test((err as Error).message),
    );
    assert.equal(kms.requestCount(), 0);
  } finally {
    await kms.close();
  }
});
