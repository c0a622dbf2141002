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
  const signatures = await Promise.all(
    signers.map(async (s) => ({ keyid: s.keyid, sig: encodeBase64(await s.sign(message)) })),
  );
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
