import type { Verifier } from '../keys/signer.ts';
import { decodeBase64 } from './base64.ts';
import type { DsseEnvelope } from './envelope.ts';
import { dsseError } from './errors.ts';
import { pae } from './pae.ts';

// Re-exported so callers keep one import site for "read and check an envelope".
export type { DsseErrorCode } from './errors.ts';
export { decodeBase64 } from './base64.ts';
export { parseEnvelope } from './parse.ts';

export interface VerifyOptions {
  /** When set, any other payloadType is WRONG_PAYLOAD_TYPE (checked before any crypto). */
  payloadType?: string;
  /** How many distinct trusted keys must have signed (default 1). */
  threshold?: number;
}

export interface VerifiedEnvelope {
  payloadType: string;
  /** The exact signed bytes, decoded from the envelope (never re-serialised). */
  payload: Buffer;
  /** keyids of the trusted keys whose signature verified. */
  keyids: string[];
}

/**
 * Verifies an envelope against trusted keys. Succeeds when at least `threshold` distinct
 * trusted keys signed the PAE of the decoded payload bytes. A keyid hint picks the key to
 * try first but is never trusted on its own: every trusted key is tried for each signature.
 */
export function verifyEnvelope(
  env: DsseEnvelope,
  verifiers: readonly Verifier[],
  opts: VerifyOptions = {},
): VerifiedEnvelope {
  const threshold = opts.threshold ?? 1;
  if (!Number.isSafeInteger(threshold) || threshold < 1) {
    throw dsseError('BAD_THRESHOLD', `threshold must be a whole number >= 1, got ${threshold}`);
  }
  if (opts.payloadType !== undefined && env.payloadType !== opts.payloadType) {
    throw dsseError(
      'WRONG_PAYLOAD_TYPE',
      `payloadType is "${env.payloadType}", expected "${opts.payloadType}"`,
    );
  }
  if (env.signatures.length === 0) throw dsseError('NO_SIGNATURES', 'envelope has no signatures');
  const trusted = uniqueByKeyid(verifiers);
  if (trusted.length === 0) throw dsseError('UNKNOWN_KEY', 'no trusted keys given');
  if (threshold > trusted.length) {
    throw dsseError('BAD_THRESHOLD', `threshold ${threshold} exceeds the ${trusted.length} trusted key(s)`);
  }
  const payload = decodeBase64(env.payload, 'payload');
  const sigs = env.signatures.map((s, i) => ({
    keyid: s.keyid,
    bytes: decodeBase64(s.sig, `signatures[${i}].sig`),
  }));
  const message = pae(env.payloadType, payload);
  const verified = new Set<string>();
  for (const s of sigs) {
    const ok = tryOrder(trusted, s.keyid).find((v) => !verified.has(v.keyid) && v.verify(message, s.bytes));
    if (ok) verified.add(ok.keyid);
  }
  if (verified.size >= threshold) return { payloadType: env.payloadType, payload, keyids: [...verified] };
  throw failure(env, trusted, verified.size, threshold);
}

function uniqueByKeyid(verifiers: readonly Verifier[]): Verifier[] {
  const seen = new Map<string, Verifier>();
  for (const v of verifiers) if (!seen.has(v.keyid)) seen.set(v.keyid, v);
  return [...seen.values()];
}

/** The hinted key first (cheap common case), then the rest: hints are never required. */
function tryOrder(trusted: Verifier[], hint: string | undefined): Verifier[] {
  if (!hint) return trusted;
  const hinted = trusted.filter((v) => v.keyid === hint);
  return hinted.length === 0 ? trusted : [...hinted, ...trusted.filter((v) => v.keyid !== hint)];
}

/** UNKNOWN_KEY when every signature names a key we do not trust; otherwise BAD_SIGNATURE. */
function failure(env: DsseEnvelope, trusted: Verifier[], count: number, threshold: number): Error {
  const known = new Set(trusted.map((v) => v.keyid));
  const hints = env.signatures.map((s) => s.keyid);
  if (count === 0 && hints.every((h) => h !== undefined && h !== '' && !known.has(h))) {
    return dsseError(
      'UNKNOWN_KEY',
      `signed by unknown key(s) ${hints.join(', ')}; none of the trusted keys verifies`,
    );
  }
  return dsseError(
    'BAD_SIGNATURE',
    count === 0
      ? 'no signature verifies against the trusted keys (payload, payloadType or signature altered, or wrong key)'
      : `only ${count} of the required ${threshold} trusted keys signed`,
  );
}
