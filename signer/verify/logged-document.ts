import type { TrustedRoot } from '@sigstore/protobuf-specs';
import type { VerifiedDocument } from '../bundle/verify-any.ts';
import { verifyEnvelope } from '../dsse/verify.ts';
import { ProvenanceError } from '../errors.ts';
import type { Verifier } from '../keys/signer.ts';
import { checkKeyless, checkTransparency } from './checks/transparency.ts';
import type { IdentityPolicy } from '../transparency/identity.ts';
import { parseAttestationText } from './sources/attestation-files.ts';

/**
 * `verify-envelope --trusted-root`: the document (a sigstore bundle v0.1-v0.3, or our stored
 * form) must verify by key or by certificate AND carry a log entry that verifies offline.
 * Throws a ProvenanceError naming what failed (TLOG_* for the log, CERT_* for the certificate).
 */
export function verifyLoggedDocument(
  text: string | Buffer,
  verifiers: readonly Verifier[],
  trust: { trustedRoot: TrustedRoot; identity?: IdentityPolicy },
  payloadType?: string,
): VerifiedDocument {
  const [doc] = parseAttestationText(text.toString(), 'document');
  if (!doc) throw new ProvenanceError('MALFORMED_ENVELOPE', 'no envelope in the document');
  const env = doc.envelope;
  if (payloadType !== undefined && env.payloadType !== payloadType) {
    throw new ProvenanceError('WRONG_PAYLOAD_TYPE', `payloadType is "${env.payloadType}", expected "${payloadType}"`);
  }
  const inputs = { requirement: 'required' as const, trustedRoot: trust.trustedRoot, ...(trust.identity ? { identity: trust.identity } : {}) };
  const format = (JSON.parse(text.toString()) as { mediaType?: unknown }).mediaType ? 'sigstore-bundle' : 'dsse';
  if (doc.evidence?.certificates?.length) {
    const results = checkKeyless(env, doc.evidence, inputs);
    const failed = results.find((r) => r.status === 'fail');
    if (failed) throw new ProvenanceError(codeOf(failed.message), failed.message);
    const signer = results[0]?.message.replace(/^signed by /, '') ?? 'certificate';
    return { format, payloadType: env.payloadType, payload: Buffer.from(env.payload, 'base64'), keyids: [signer] };
  }
  const verified = verifyEnvelope(env, verifiers, payloadType === undefined ? {} : { payloadType });
  const key = verifiers.find((v) => v.keyid === verified.keyids[0]) ?? verifiers[0];
  const r = checkTransparency(env, (key as Verifier).publicKey, doc.evidence, inputs);
  if (r?.status !== 'pass') throw new ProvenanceError(codeOf(r?.message ?? ''), r?.message ?? 'no transparency log entry');
  return { format, ...verified };
}

/** The `[CODE]` a check message ends with. */
function codeOf(message: string): string {
  return /\[([A-Z_]+)\](?!.*\[)/.exec(message)?.[1] ?? 'TLOG_BAD_PROOF';
}
