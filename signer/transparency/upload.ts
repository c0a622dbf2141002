import type { SignedAttestation } from '../attest/types.ts';
import { IN_TOTO_PAYLOAD_TYPE } from '../dsse/envelope.ts';
import { serializeEnvelope } from '../dsse/sign.ts';
import type { LogVerifier, TransparencyLog } from './log.ts';

/** Chains' annotations: the opt-in of `transparency.enabled: manual`, and where the entry is. */
export const UPLOAD_ANNOTATION = 'chains.tekton.dev/transparency-upload';
export const TRANSPARENCY_ANNOTATION = 'chains.tekton.dev/transparency';

export type TransparencyMode = 'true' | 'manual' | 'false';

/**
 * Chains' shouldUploadTlog: `true` logs every run, `manual` only runs annotated
 * `chains.tekton.dev/transparency-upload: "true"`; keyless signatures are always logged
 * (a short-lived certificate proves nothing without the log's timestamp).
 */
export function shouldLog(mode: TransparencyMode, annotations: Record<string, string> | undefined, keyless = false): boolean {
  if (keyless || mode === 'true') return true;
  return mode === 'manual' && annotations?.[UPLOAD_ANNOTATION] === 'true';
}

/**
 * Logs each in-toto attestation (the `tekton` format is no in-toto statement: cosign would
 * not read its entry, so it stays unlogged) and records the entry on it. The envelope text
 * sent is `serializeEnvelope`, the very bytes every backend stores.
 */
export async function logAttestations(log: TransparencyLog, attestations: SignedAttestation[], verifier: LogVerifier): Promise<void> {
  for (const a of attestations) {
    if (a.payloadType !== IN_TOTO_PAYLOAD_TYPE || a.tlog) continue;
    a.tlog = await log.logEnvelope(serializeEnvelope(a.envelope), a.envelope, verifier);
  }
}
