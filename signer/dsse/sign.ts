import type { Signer } from '../keys/signer.ts';
import type { DsseEnvelope } from './envelope.ts';
import { pae } from './pae.ts';

/** Signs `payload` (exact bytes) with every signer; each signature carries its keyid hint. */
export async function signEnvelope(
  payloadType: string,
  payload: Buffer,
  signers: readonly Signer[],
): Promise<DsseEnvelope> {
  if (signers.length === 0) throw new Error('signEnvelope needs at least one signer');
  const message = pae(payloadType, payload);
  const signatures = await Promise.all(
    signers.map(async (s) => ({ keyid: s.keyid, sig: (await s.sign(message)).toString('base64') })),
  );
  return { payloadType, payload: payload.toString('base64'), signatures };
}
