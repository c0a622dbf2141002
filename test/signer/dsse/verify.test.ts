import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signEnvelope } from '../../../signer/dsse/sign.ts';
import { verifyEnvelope, parseEnvelope } from '../../../signer/dsse/verify.ts';
import { serializeEnvelope } from '../../../signer/dsse/sign.ts';
import { KEY_TYPES, pair } from './keys.ts';

const TYPE = 'application/vnd.in-toto+json';
const body = Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}');

for (const type of KEY_TYPES) {
  test(`${type}: sign -> serialise -> parse -> verify returns the exact payload bytes and keyid`, async () => {
    const { signer, verifier } = pair(type);
    const env = parseEnvelope(serializeEnvelope(await signEnvelope(TYPE, body, [signer])));
    assert.match(env.signatures[0]?.sig ?? '', /^[A-Za-z0-9+/]+=*$/);
    assert.equal(env.signatures[0]?.keyid, signer.keyid);
    const out = verifyEnvelope(env, [verifier], { payloadType: TYPE });
    assert.deepEqual(out.payload, body);
    assert.deepEqual(out.keyids, [signer.keyid]);
  });
}

test('several signatures: each signer adds one; threshold counts distinct trusted keys', async () => {
  const keys = KEY_TYPES.map(pair);
  const env = await signEnvelope(
    TYPE,
    body,
    keys.map((k) => k.signer),
  );
  assert.equal(env.signatures.length, 3);
  const verifiers = keys.map((k) => k.verifier);
  assert.equal(verifyEnvelope(env, verifiers, { threshold: 3 }).keyids.length, 3);
  assert.deepEqual(verifyEnvelope(env, [verifiers[1]!]).keyids, [keys[1]!.signer.keyid]);
  assert.throws(() => verifyEnvelope(env, verifiers.slice(0, 2), { threshold: 3 }), {
    code: 'BAD_THRESHOLD',
  });
  // Two trusted keys but only one of them signed: BAD_SIGNATURE naming the shortfall.
  const other = pair('ed25519');
  assert.throws(() => verifyEnvelope(env, [verifiers[0]!, other.verifier], { threshold: 2 }), {
    code: 'BAD_SIGNATURE',
    message: /only 1 of the required 2/,
  });
});

test('the same key passed twice counts once', async () => {
  const { signer, verifier } = pair('ecdsa-p256');
  const env = await signEnvelope(TYPE, body, [signer, signer]);
  assert.throws(() => verifyEnvelope(env, [verifier, verifier], { threshold: 2 }), { code: 'BAD_THRESHOLD' });
  assert.deepEqual(verifyEnvelope(env, [verifier, verifier]).keyids, [signer.keyid]);
});

test('keyid hints are only hints: a wrong or missing hint still verifies with a trusted key', async () => {
  const { signer, verifier } = pair('ed25519');
  const env = await signEnvelope(TYPE, body, [signer]);
  const sig = env.signatures[0]!.sig;
  const decoy = pair('ed25519').verifier;
  assert.deepEqual(verifyEnvelope({ ...env, signatures: [{ sig }] }, [decoy, verifier]).keyids, [
    signer.keyid,
  ]);
  assert.deepEqual(
    verifyEnvelope({ ...env, signatures: [{ sig, keyid: decoy.keyid }] }, [decoy, verifier]).keyids,
    [signer.keyid],
  );
});

test('key rotation: an envelope signed by the old key verifies while both keys are trusted', async () => {
  const oldKey = pair('ecdsa-p256');
  const newKey = pair('ecdsa-p256');
  const env = await signEnvelope(TYPE, body, [oldKey.signer]);
  assert.deepEqual(verifyEnvelope(env, [newKey.verifier, oldKey.verifier]).keyids, [oldKey.signer.keyid]);
});

test('each failure says why, with its code', async () => {
  const { signer, verifier } = pair('ecdsa-p256');
  const stranger = pair('ecdsa-p256');
  const env = await signEnvelope(TYPE, body, [signer]);
  assert.throws(() => verifyEnvelope(env, [verifier], { payloadType: 'text/plain' }), {
    code: 'WRONG_PAYLOAD_TYPE',
    message: /expected "text\/plain"/,
  });
  assert.throws(() => verifyEnvelope({ ...env, payloadType: 'text/plain' }, [verifier]), {
    code: 'BAD_SIGNATURE',
  });
  assert.throws(() => verifyEnvelope(env, [stranger.verifier]), {
    code: 'UNKNOWN_KEY',
    message: new RegExp(signer.keyid.replace(/[+/]/g, '.')),
  });
  assert.throws(() => verifyEnvelope(env, []), { code: 'UNKNOWN_KEY', message: /no trusted keys/ });
  assert.throws(() => verifyEnvelope({ ...env, signatures: [] }, [verifier]), { code: 'NO_SIGNATURES' });
  assert.throws(() => verifyEnvelope({ ...env, payload: env.payload.slice(1) }, [verifier]), {
    code: 'MALFORMED_BASE64',
    message: /payload/,
  });
  assert.throws(() => verifyEnvelope({ ...env, signatures: [{ sig: 'not base64!' }] }, [verifier]), {
    code: 'MALFORMED_BASE64',
    message: /signatures\[0\]\.sig/,
  });
  assert.throws(
    () => verifyEnvelope({ ...env, signatures: [{ sig: 'AAAA', keyid: signer.keyid }] }, [verifier]),
    {
      code: 'BAD_SIGNATURE',
    },
  );
  assert.throws(() => verifyEnvelope(env, [verifier], { threshold: 0 }), { code: 'BAD_THRESHOLD' });
  await assert.rejects(signEnvelope(TYPE, body, []), { code: 'NO_SIGNERS' });
});

test('a payload altered after signing is BAD_SIGNATURE even with the right hint', async () => {
  const { signer, verifier } = pair('rsa');
  const env = await signEnvelope(TYPE, body, [signer]);
  const altered = Buffer.from(body);
  altered[0] = 0x20;
  assert.throws(() => verifyEnvelope({ ...env, payload: altered.toString('base64') }, [verifier]), {
    code: 'BAD_SIGNATURE',
  });
});
