import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { LocalSigner, PublicKeyVerifier } from '../../signer/keys/local.ts';
import { signEnvelope } from '../../signer/dsse/sign.ts';
import { verifyEnvelope } from '../../signer/dsse/verify.ts';

test('a P-256 envelope round-trips through sign and verify', async () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signer = new LocalSigner(privateKey);
  const env = await signEnvelope('text/plain', Buffer.from('hello'), [signer]);
  const verified = verifyEnvelope(env, [new PublicKeyVerifier(signer.publicKey)]);
  assert.equal(verified.payload.toString(), 'hello');
  assert.deepEqual(verified.keyids, [signer.keyid]);
});
