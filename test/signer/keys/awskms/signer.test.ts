import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAwsKmsSigner, loadAwsKmsVerifier } from '../../../../signer/keys/awskms/index.ts';
import { chainsKeyId } from '../../../../signer/keys/keyid.ts';
import { PublicKeyVerifier } from '../../../../signer/keys/local.ts';
import { signEnvelope } from '../../../../signer/dsse/sign.ts';
import { verifyEnvelope } from '../../../../signer/dsse/verify.ts';
import { pae } from '../../../../signer/dsse/pae.ts';
import { crypto as sigstoreCrypto, dsse as sigstoreDsse } from '@sigstore/core';
import { KmsStandIn } from '../../../harness/kms/server.ts';
import { selfSignedCertificate } from '../../../harness/kms/tls.ts';
import { standInOptions } from './options.ts';

const PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const statement = (n: number): Buffer =>
  Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [],
      predicateType: 'x',
      predicate: { n },
    }),
  );

/** The openssl CLI checks a signature over the PAE: an implementation independent of ours. */
function opensslVerifies(publicKeyPem: string, message: Buffer, signature: Buffer, digest: string): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'kms-openssl-'));
  try {
    writeFileSync(join(dir, 'pub.pem'), publicKeyPem);
    writeFileSync(join(dir, 'msg.bin'), message);
    writeFileSync(join(dir, 'sig.bin'), signature);
    const out = execFileSync(
      'openssl',
      [
        'dgst',
        `-${digest}`,
        '-verify',
        join(dir, 'pub.pem'),
        '-signature',
        join(dir, 'sig.bin'),
        join(dir, 'msg.bin'),
      ],
      {
        encoding: 'utf8',
        timeout: 20_000,
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    return out.trim() === 'Verified OK';
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('AWS KMS signer end to end through @aws-sdk/client-kms', () => {
  let kms: KmsStandIn;
  before(async () => {
    kms = await KmsStandIn.start();
  });
  after(async () => {
    await kms.close();
  });

  const cases = [
    {
      name: 'ECC_NIST_P256',
      key: () => kms.ecKey,
      algorithm: 'ecdsa-p256-sha256',
      kmsAlg: 'ECDSA_SHA_256',
      digest: 'sha256',
    },
    {
      name: 'RSA_2048',
      key: () => kms.rsaKey,
      algorithm: 'rsa-pkcs1v15-sha256',
      kmsAlg: 'RSASSA_PKCS1_V1_5_SHA_256',
      digest: 'sha256',
    },
  ] as const;

  for (const c of cases) {
    test(`${c.name}: a DSSE envelope signed in KMS verifies with our verifier and with openssl`, async () => {
      const signer = await loadAwsKmsSigner(kms.uri(c.key().aliases[0] ?? ''), standInOptions(kms));
      try {
        assert.equal(signer.algorithm, c.algorithm);
        assert.equal(signer.keyArn, c.key().arn);
        assert.equal(signer.keyid, chainsKeyId(c.key().publicKey));
        const payload = statement(1);
        const env = await signEnvelope(PAYLOAD_TYPE, payload, [signer]);
        assert.equal(env.signatures[0]?.keyid, signer.keyid);

        const verified = verifyEnvelope(env, [new PublicKeyVerifier(c.key().publicKey)], {
          payloadType: PAYLOAD_TYPE,
        });
        assert.deepEqual(verified.keyids, [signer.keyid]);
        const sig = Buffer.from(env.signatures[0]?.sig ?? '', 'base64');
        const pem = c.key().publicKey.export({ format: 'pem', type: 'spki' }).toString();
        assert.equal(opensslVerifies(pem, pae(PAYLOAD_TYPE, payload), sig, c.digest), true);
        assert.equal(opensslVerifies(pem, pae(PAYLOAD_TYPE, statement(2)), sig, c.digest), false);

        // Only a digest went to KMS, pinned to the resolved key ARN, with the expected algorithm.
        const sign = kms.requests.filter((r) => r.target === 'Sign').at(-1);
        assert.deepEqual(
          {
            keyId: sign?.keyId,
            messageType: sign?.messageType,
            alg: sign?.signingAlgorithm,
            bytes: sign?.messageBytes,
          },
          { keyId: c.key().arn, messageType: 'DIGEST', alg: c.kmsAlg, bytes: 32 },
        );
      } finally {
        signer.close();
      }
    });
  }

  test("sigstore's own PAE and verifier accept a KMS-signed envelope (cosign interop)", async () => {
    const signer = await loadAwsKmsSigner(kms.uri('alias/provenance-p256'), standInOptions(kms));
    try {
      const payload = statement(7);
      const env = await signEnvelope(PAYLOAD_TYPE, payload, [signer]);
      const sig = Buffer.from(env.signatures[0]?.sig ?? '', 'base64');
      const spkiPem = signer.publicKey.export({ format: 'pem', type: 'spki' }).toString();
      const key = sigstoreCrypto.createPublicKey(spkiPem);
      assert.equal(sigstoreCrypto.verify(sigstoreDsse.preAuthEncoding(PAYLOAD_TYPE, payload), key, sig, 'sha256'), true);
    } finally {
      signer.close();
    }
  });

  test('ECC_NIST_P384 keys sign with ECDSA_SHA_384 over a SHA-384 digest', async () => {
    const key = kms.keys.create({ keySpec: 'ECC_NIST_P384', alias: 'p384' });
    const signer = await loadAwsKmsSigner(kms.uri('alias/p384'), standInOptions(kms));
    try {
      const env = await signEnvelope(PAYLOAD_TYPE, statement(3), [signer]);
      assert.equal(signer.algorithm, 'ecdsa-p384-sha384');
      assert.deepEqual(verifyEnvelope(env, [new PublicKeyVerifier(key.publicKey)]).keyids, [signer.keyid]);
      assert.equal(kms.requests.filter((r) => r.target === 'Sign').at(-1)?.messageBytes, 48);
    } finally {
      signer.close();
    }
  });

  test('payloads far beyond the 4096-byte RAW limit sign, because only the digest is sent', async () => {
    const signer = await loadAwsKmsSigner(kms.uri('alias/provenance-p256'), standInOptions(kms));
    try {
      const big = Buffer.alloc(1024 * 1024, 'a');
      const env = await signEnvelope('text/plain', big, [signer]);
      assert.equal(verifyEnvelope(env, [new PublicKeyVerifier(signer.publicKey)]).payload.length, big.length);
    } finally {
      signer.close();
    }
  });

  test('the public key is fetched once and cached across signatures', async () => {
    const before = kms.requestCount('GetPublicKey');
    const signer = await loadAwsKmsSigner(kms.uri('alias/provenance-p256'), standInOptions(kms));
    try {
      const envs = await Promise.all(
        [1, 2, 3, 4, 5].map((n) => signEnvelope(PAYLOAD_TYPE, statement(n), [signer])),
      );
      const verifier = new PublicKeyVerifier(kms.ecKey.publicKey);
      for (const env of envs) assert.deepEqual(verifyEnvelope(env, [verifier]).keyids, [signer.keyid]);
      assert.equal(kms.requestCount('GetPublicKey') - before, 1);
    } finally {
      signer.close();
    }
  });

  test('key id, key ARN, alias name and alias ARN name the same key and keyid', async () => {
    const k = kms.ecKey;
    const refs = [
      k.keyId,
      k.arn,
      'alias/provenance-p256',
      `arn:aws:kms:${kms.region}:111122223333:alias/provenance-p256`,
    ];
    const keyids = new Set<string>();
    for (const ref of refs) {
      const signer = await loadAwsKmsSigner(kms.uri(ref), standInOptions(kms));
      try {
        keyids.add(signer.keyid);
        assert.equal(signer.keyArn, k.arn, ref);
        const verifier = await loadAwsKmsVerifier(kms.uri(ref), standInOptions(kms));
        assert.equal(verifier.keyid, signer.keyid);
        const data = Buffer.from(`signed via ${ref}`);
        assert.equal(verifier.verify(data, await signer.sign(data)), true);
      } finally {
        signer.close();
      }
    }
    assert.deepEqual([...keyids], [chainsKeyId(k.publicKey)]);
  });

  test('every request carried the static test credentials given in options', () => {
    assert.ok(kms.requests.length > 0);
    assert.ok(kms.requests.every((r) => r.accessKeyId === 'AKIASTANDIN000000001'));
  });
});

describe('AWS KMS signer over HTTPS (the default scheme for awskms://host:port/...)', () => {
  let kms: KmsStandIn;
  let tls: { key: string; cert: string };
  before(async () => {
    tls = selfSignedCertificate();
    kms = await KmsStandIn.start({ tls });
  });
  after(async () => {
    await kms.close();
  });

  test('with the endpoint CA trusted, signing works over TLS', async () => {
    const opts = { ...standInOptions(kms), endpointProtocol: 'https' as const, caCertificates: tls.cert };
    const signer = await loadAwsKmsSigner(kms.uri('alias/provenance-p256'), opts);
    try {
      const env = await signEnvelope(PAYLOAD_TYPE, statement(9), [signer]);
      assert.deepEqual(verifyEnvelope(env, [new PublicKeyVerifier(kms.ecKey.publicKey)]).keyids, [
        signer.keyid,
      ]);
    } finally {
      signer.close();
    }
  });
});
