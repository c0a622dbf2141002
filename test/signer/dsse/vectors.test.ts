// DSSE's own test vectors (secure-systems-lab/dsse: protocol.md example and testvectors/vectors.json),
// checked against our PAE and verifier. The protocol.md ECDSA signature is raw r||s; DSSE leaves
// the signature format open and we (like cosign) use DER, so the test converts it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { pae } from '../../../signer/dsse/pae.ts';
import { verifyEnvelope } from '../../../signer/dsse/verify.ts';
import { signEnvelope } from '../../../signer/dsse/sign.ts';
import { LocalSigner, PublicKeyVerifier } from '../../../signer/keys/local.ts';
import type { DsseEnvelope } from '../../../signer/dsse/envelope.ts';

const b64u = (n: bigint): string =>
  Buffer.from(n.toString(16).padStart(64, '0'), 'hex').toString('base64url');
const P256 = {
  x: 46950820868899156662930047687818585632848591499744589407958293238635476079160n,
  y: 5640078356564379163099075877009565129882514886557779369047442380624545832820n,
  d: 97358161215184420915383655311931858321456579547487070936769975997791359926199n,
};
const jwk = { kty: 'EC', crv: 'P-256', x: b64u(P256.x), y: b64u(P256.y) };

/** raw r||s (IEEE P1363) -> ASN.1 DER SEQUENCE { INTEGER r, INTEGER s } */
function rawToDer(raw: Buffer): Buffer {
  const int = (b: Buffer): Buffer => {
    let v = b;
    while (v.length > 1 && v[0] === 0 && ((v[1] ?? 0) & 0x80) === 0) v = v.subarray(1);
    if ((v[0] ?? 0) & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
    return Buffer.concat([Buffer.from([0x02, v.length]), v]);
  };
  const body = Buffer.concat([int(raw.subarray(0, 32)), int(raw.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

test('protocol.md example: the ECDSA P-256 signature (as DER) verifies with our verifier', () => {
  const verifier = new PublicKeyVerifier(createPublicKey({ key: jwk, format: 'jwk' }));
  const raw = Buffer.from(
    'A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA==',
    'base64',
  );
  const env: DsseEnvelope = {
    payload: 'aGVsbG8gd29ybGQ=',
    payloadType: 'http://example.com/HelloWorld',
    signatures: [{ sig: rawToDer(raw).toString('base64') }],
  };
  const out = verifyEnvelope(env, [verifier], { payloadType: 'http://example.com/HelloWorld' });
  assert.equal(out.payload.toString(), 'hello world');
  assert.deepEqual(out.keyids, [verifier.keyid]);
  // The raw r||s form itself is not DER: refused as a bad signature, not a crash.
  assert.throws(() => verifyEnvelope({ ...env, signatures: [{ sig: raw.toString('base64') }] }, [verifier]), {
    code: 'BAD_SIGNATURE',
  });
});

test('protocol.md example key: what we sign with it verifies, and the PAE is the documented one', async () => {
  const signer = new LocalSigner(createPrivateKey({ key: { ...jwk, d: b64u(P256.d) }, format: 'jwk' }));
  const env = await signEnvelope('http://example.com/HelloWorld', Buffer.from('hello world'), [signer]);
  assert.equal(env.payload, 'aGVsbG8gd29ybGQ=');
  assert.equal(
    pae(env.payloadType, Buffer.from('hello world')).toString(),
    'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
  );
  const verifier = new PublicKeyVerifier(createPublicKey({ key: jwk, format: 'jwk' }));
  assert.deepEqual(verifyEnvelope(env, [verifier]).keyids, [signer.keyid]);
});

// testvectors/vectors.json: two Ed25519 keys (RFC 8032 seeds) and the envelopes that use them.
const ED = {
  A: {
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    pub: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  },
  B: {
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    pub: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
  },
};
const edVerifier = (k: keyof typeof ED): PublicKeyVerifier =>
  new PublicKeyVerifier(
    createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(ED[k].pub, 'hex').toString('base64url') },
      format: 'jwk',
    }),
  );
const STMT = 'eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEifQ==';
const SIG_A = '2WAfaHm5jluo0w+0rk8uVkluELJYWjSmU9x7EUzx+AyteDGJ4/nqyJXfmAUVFIAoQafWm7AxBZNw5M9ixNHiCA==';
const SIG_B = 'c1+67/aT0yqEpwx8PsVY3MLHsj9D0CZ014/Fv/QlG59P+9CobUZ7xECJ/V3USG0Ob9CiE5LjReEZUzNF2l7eBw==';
const INTOTO = 'application/vnd.in-toto+json';

interface Vector {
  id: string;
  env: DsseEnvelope;
  trusted: (keyof typeof ED)[];
  threshold: number;
  types: string[];
  expect: 'accept' | string;
}
const VECTORS: Vector[] = [
  {
    id: 'single-signature',
    env: { payload: STMT, payloadType: INTOTO, signatures: [{ sig: SIG_A, keyid: 'A' }] },
    trusted: ['A'],
    threshold: 1,
    types: [INTOTO],
    expect: 'accept',
  },
  {
    id: 'url-safe-base64',
    env: {
      payload: '-_-_Pj8=',
      payloadType: INTOTO,
      signatures: [
        {
          sig: 'P-_KHICeR7tI6S_YyejJTRtrXhcQyQ2LYPaL8h90KjC9qN8HU_svOQ6TuDOT1HIrsGW886DbWNWcCmX5twLrAw==',
          keyid: 'A',
        },
      ],
    },
    trusted: ['A'],
    threshold: 1,
    types: [INTOTO],
    expect: 'accept',
  },
  {
    id: 'payload-type-swapped',
    env: {
      payload: STMT,
      payloadType: 'application/vnd.example.other+json',
      signatures: [{ sig: SIG_A, keyid: 'A' }],
    },
    trusted: ['A'],
    threshold: 1,
    types: [INTOTO, 'application/vnd.example.other+json'],
    expect: 'UNKNOWN_KEY',
  },
  {
    id: 'non-ascii-payload-type',
    env: {
      payload: STMT,
      payloadType: 'application/vnd.exämple+json',
      signatures: [
        {
          sig: 'xmSk/ug66ysT7ayhkCIjhAq42zgZXSsEWuzUaNL7w2eGAdF/NU6/fRXPtmfN+5DNSAs5/i2lUnHjbbjPsu0tAw==',
          keyid: 'A',
        },
      ],
    },
    trusted: ['A'],
    threshold: 1,
    types: ['application/vnd.exämple+json'],
    expect: 'accept',
  },
  {
    id: 'empty-payload',
    env: {
      payload: '',
      payloadType: INTOTO,
      signatures: [
        {
          sig: 'gSggCAaTLTYyRH6FIDBem6meyIynsYy8RTHVzwx9tnTb7Bg/1jMWnuVgI/gffqmbsC2VX5/jHfkkDqsj7CDbDg==',
          keyid: 'A',
        },
      ],
    },
    trusted: ['A'],
    threshold: 1,
    types: [INTOTO],
    expect: 'accept',
  },
  {
    id: 'empty-payload-type',
    env: {
      payload: STMT,
      payloadType: '',
      signatures: [
        {
          sig: 'iC3q/+3Rm0+lpAJRueDmDh15PnwCfxKmS0NAfKsbv+zgulXQC/WM9trc+j1XEqlwDIg/vf/uNfebeD6sxInrDg==',
          keyid: 'A',
        },
      ],
    },
    trusted: ['A'],
    threshold: 1,
    types: [INTOTO],
    expect: 'WRONG_PAYLOAD_TYPE',
  },
  {
    id: 'threshold-two-distinct-keys',
    env: {
      payload: STMT,
      payloadType: INTOTO,
      signatures: [
        { sig: SIG_A, keyid: 'A' },
        { sig: SIG_B, keyid: 'B' },
      ],
    },
    trusted: ['A', 'B'],
    threshold: 2,
    types: [INTOTO],
    expect: 'accept',
  },
  {
    id: 'threshold-two-one-key-twice',
    env: {
      payload: STMT,
      payloadType: INTOTO,
      signatures: [
        { sig: SIG_A, keyid: 'A' },
        { sig: SIG_A, keyid: 'A' },
      ],
    },
    trusted: ['A', 'B'],
    threshold: 2,
    types: [INTOTO],
    expect: 'BAD_SIGNATURE',
  },
  {
    id: 'threshold-two-without-keyids',
    env: { payload: STMT, payloadType: INTOTO, signatures: [{ sig: SIG_A }, { sig: SIG_B }] },
    trusted: ['A', 'B'],
    threshold: 2,
    types: [INTOTO],
    expect: 'accept',
  },
];

for (const v of VECTORS) {
  test(`vectors.json ${v.id}: ${v.expect}`, () => {
    const verifiers = v.trusted.map(edVerifier);
    const run = (): void => {
      // The vectors' keyids ("A", "B") are not ours: hints that match no trusted key are skipped.
      if (!v.types.includes(v.env.payloadType)) verifyEnvelope(v.env, verifiers, { payloadType: v.types[0] });
      const out = verifyEnvelope(v.env, verifiers, { threshold: v.threshold });
      assert.equal(out.keyids.length, v.threshold);
    };
    if (v.expect === 'accept') run();
    else assert.throws(run, { code: v.expect });
  });
}
