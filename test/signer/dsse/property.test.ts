// Property: any single-byte change to payload, payloadType or signature is rejected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { signEnvelope } from '../../../signer/dsse/sign.ts';
import { verifyEnvelope } from '../../../signer/dsse/verify.ts';
import { isProvenanceError } from '../../../signer/errors.ts';
import type { DsseEnvelope } from '../../../signer/dsse/envelope.ts';
import { KEY_TYPES, pair } from './keys.ts';

const TYPE = 'application/vnd.in-toto+json';
const REJECT = new Set(['BAD_SIGNATURE', 'UNKNOWN_KEY', 'WRONG_PAYLOAD_TYPE', 'MALFORMED_BASE64']);

/** Replace byte `at % len` by `byte`, forcing a real change (xor with a non-zero mask). */
function flip(bytes: Buffer, at: number, mask: number): Buffer {
  const out = Buffer.from(bytes);
  const i = at % out.length;
  out[i] = (out[i] ?? 0) ^ mask;
  return out;
}

function rejected(env: DsseEnvelope, verify: (e: DsseEnvelope) => unknown): boolean {
  try {
    verify(env);
    return false;
  } catch (err) {
    return isProvenanceError(err) && REJECT.has(err.code);
  }
}

for (const type of KEY_TYPES) {
  test(`${type}: a one-byte change anywhere in payload, payloadType or signature is rejected`, async () => {
    const { signer, verifier } = pair(type);
    const verify = (e: DsseEnvelope): unknown => verifyEnvelope(e, [verifier], { threshold: 1 });
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 256 }),
        fc.constantFrom('payload', 'payloadType', 'sig'),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (raw, field, at, mask) => {
          const payload = Buffer.from(raw);
          const env = await signEnvelope(TYPE, payload, [signer]);
          verify(env); // the untouched envelope verifies
          const sig = Buffer.from(env.signatures[0]!.sig, 'base64');
          let bad: DsseEnvelope;
          if (field === 'payload') bad = { ...env, payload: flip(payload, at, mask).toString('base64') };
          else if (field === 'sig')
            bad = {
              ...env,
              signatures: [{ ...env.signatures[0]!, sig: flip(sig, at, mask).toString('base64') }],
            };
          else bad = { ...env, payloadType: flip(Buffer.from(TYPE), at, mask).toString('latin1') };
          assert.ok(rejected(bad, verify), `${field} byte ${at} ^ ${mask} was accepted`);
        },
      ),
      { numRuns: type === 'rsa' ? 60 : 150 },
    );
  });
}

test('a one-character change to the base64 text of payload or sig never verifies', async () => {
  const { signer, verifier } = pair('ecdsa-p256');
  const env = await signEnvelope(TYPE, Buffer.from('{"hello":"world"}'), [signer]);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ ';
  fc.assert(
    fc.property(
      fc.constantFrom('payload', 'sig'),
      fc.nat(),
      fc.constantFrom(...alphabet),
      (field, at, ch) => {
        const text = field === 'payload' ? env.payload : env.signatures[0]!.sig;
        const i = at % text.length;
        fc.pre(text[i] !== ch);
        const edited = text.slice(0, i) + ch + text.slice(i + 1);
        const bad =
          field === 'payload' ? { ...env, payload: edited } : { ...env, signatures: [{ sig: edited }] };
        assert.ok(
          rejected(bad, (e) => verifyEnvelope(e, [verifier])),
          `${field}[${i}] -> ${ch} accepted`,
        );
      },
    ),
    { numRuns: 300 },
  );
});
