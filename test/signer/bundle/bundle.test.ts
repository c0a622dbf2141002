import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import { Verifier as SigstoreVerifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';
import { createDsseBundle, BUNDLE_V03_MEDIA_TYPE } from '../../../signer/bundle/create.ts';
import { verifyDsseBundle } from '../../../signer/bundle/verify.ts';
import { verifySignedDocument } from '../../../signer/bundle/verify-any.ts';
import { verifyEnvelope } from '../../../signer/dsse/verify.ts';
import { signEnvelope, serializeEnvelope } from '../../../signer/dsse/sign.ts';
import { LocalSigner, PublicKeyVerifier } from '../../../signer/keys/local.ts';

const TYPE = 'application/vnd.in-toto+json';
const body = Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}');
const keyPairs = {
  'ecdsa-p256': () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  ed25519: () => generateKeyPairSync('ed25519'),
  rsa: () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
};
const pair = (make: () => { privateKey: KeyObject }) => {
  const signer = new LocalSigner(make().privateKey);
  return { signer, verifier: new PublicKeyVerifier(signer.publicKey) };
};

for (const [type, make] of Object.entries(keyPairs)) {
  test(`${type}: a v0.3 bundle from @sigstore/sign verifies offline with only the public key`, async () => {
    const { signer, verifier } = pair(make);
    const json = await createDsseBundle(TYPE, body, signer);
    assert.equal(json.mediaType, BUNDLE_V03_MEDIA_TYPE);
    assert.equal(json.verificationMaterial.publicKey?.hint, signer.keyid);
    assert.deepEqual(
      json.verificationMaterial.tlogEntries ?? [],
      [],
      'no transparency log entries (proto JSON omits empty lists)',
    );
    const out = verifyDsseBundle(JSON.parse(JSON.stringify(json)), [verifier], { payloadType: TYPE });
    assert.deepEqual(out.payload, body);
    assert.deepEqual(out.keyids, [signer.keyid]);
  });
}

test("the bundle's envelope is a plain DSSE envelope our own verifier accepts", async () => {
  const { signer, verifier } = pair(keyPairs['ecdsa-p256']);
  const json = await createDsseBundle(TYPE, body, signer);
  const env = json.dsseEnvelope!;
  const out = verifyEnvelope(
    { payloadType: env.payloadType, payload: env.payload, signatures: env.signatures },
    [verifier],
  );
  assert.deepEqual(out.payload, body);
});

test('an envelope we sign, wrapped in a bundle by hand, verifies with @sigstore/verify directly', async () => {
  const { signer } = pair(keyPairs.ed25519);
  const env = await signEnvelope(TYPE, body, [signer]);
  const bundle = bundleFromJSON({
    mediaType: BUNDLE_V03_MEDIA_TYPE,
    verificationMaterial: {
      publicKey: { hint: signer.keyid },
      tlogEntries: [],
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    dsseEnvelope: env,
  });
  const root = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [],
    certificateAuthorities: [],
    ctlogs: [],
    timestampAuthorities: [],
  };
  const trust = toTrustMaterial(root as never, {
    [signer.keyid]: {
      rawBytes: signer.publicKey.export({ type: 'spki', format: 'der' }),
      keyDetails: 0,
    } as never,
  });
  const result = new SigstoreVerifier(trust, {
    tlogThreshold: 0,
    ctlogThreshold: 0,
    timestampThreshold: 0,
  }).verify(toSignedEntity(bundle));
  assert.ok(result.key.equals(signer.publicKey));
});

test('rotation: an unknown hint falls back to every trusted key; tampering and strangers fail with codes', async () => {
  const { signer, verifier } = pair(keyPairs['ecdsa-p256']);
  const stranger = pair(keyPairs['ecdsa-p256']).verifier;
  const json = JSON.parse(JSON.stringify(await createDsseBundle(TYPE, body, signer)));
  const noHint = {
    ...json,
    verificationMaterial: { ...json.verificationMaterial, publicKey: { hint: 'other' } },
  };
  assert.deepEqual(verifyDsseBundle(noHint, [stranger, verifier]).keyids, [signer.keyid]);
  assert.throws(() => verifyDsseBundle(json, [stranger]), { code: 'UNKNOWN_KEY' });
  const tampered = {
    ...json,
    dsseEnvelope: { ...json.dsseEnvelope, payload: Buffer.from('{"x":1}').toString('base64') },
  };
  assert.throws(() => verifyDsseBundle(tampered, [verifier]), { code: 'BAD_SIGNATURE' });
  assert.throws(() => verifyDsseBundle(json, [verifier], { payloadType: 'text/plain' }), {
    code: 'WRONG_PAYLOAD_TYPE',
  });
  assert.throws(() => verifyDsseBundle({ mediaType: BUNDLE_V03_MEDIA_TYPE }, [verifier]), {
    code: 'MALFORMED_BUNDLE',
  });
  assert.throws(() => verifyDsseBundle(json, []), { code: 'UNKNOWN_KEY' });
});

test('verifySignedDocument takes either a bare envelope or a bundle', async () => {
  const { signer, verifier } = pair(keyPairs.ed25519);
  const bundleText = JSON.stringify(await createDsseBundle(TYPE, body, signer));
  const envText = serializeEnvelope(await signEnvelope(TYPE, body, [signer]));
  assert.equal(verifySignedDocument(bundleText, [verifier]).format, 'sigstore-bundle');
  assert.equal(verifySignedDocument(envText, [verifier]).format, 'dsse');
  assert.throws(() => verifySignedDocument(bundleText.slice(0, 40), [verifier]), { code: 'TRUNCATED_JSON' });
});

test('a P-384 key is refused for bundles up front (sigstore-js cannot verify it)', async () => {
  const { signer } = pair(() => generateKeyPairSync('ec', { namedCurve: 'P-384' }));
  await assert.rejects(createDsseBundle(TYPE, body, signer), { code: 'UNSUPPORTED_BUNDLE_KEY' });
});
