import type { Signer } from '../keys/signer.ts';
import { encodeBase64 } from './base64.ts';
import type { DsseEnvelope } from './envelope.ts';
import { dsseError } from './errors.ts';
import { pae } from './pae.ts';

/**
 * Signs `payload` (exact bytes, never re-serialised) with every signer; each signature
 * carries its signer's keyid as the (unauthenticated) hint verifiers try first.
 */
export async function signEnvelope(
  payloadType: string,
  payload: Buffer,
  signers: readonly Signer[],
): Promise<DsseEnvelope> {
  if (signers.length === 0) throw dsseError('NO_SIGNERS', 'signEnvelope needs at least one signer');
  const message = pae(payloadType, payload);
  // Remote signers (KMS) sign in parallel; the common single local key skips the fan-out.
  const sigs =
    signers.length === 1
      ? [await signers[0]!.sign(message)]
      : await Promise.all(signers.map((s) => s.sign(message)));
  const signatures = signers.map((s, i) => ({ keyid: s.keyid, sig: encodeBase64(sigs[i]!) }));
  return { payloadType, payload: encodeBase64(payload), signatures };
}

/** The envelope as written to disk or the wire: compact JSON, fixed field order. */
export function serializeEnvelope(env: DsseEnvelope): string {
  return JSON.stringify({
    payloadType: env.payloadType,
    payload: env.payload,
    signatures: env.signatures.map((s) => (s.keyid ? { keyid: s.keyid, sig: s.sig } : { sig: s.sig })),
  });
}
