import { ProvenanceError } from '../errors.ts';
import type { Verifier } from '../keys/signer.ts';
import type { DsseEnvelope } from './envelope.ts';
import { pae } from './pae.ts';

export type DsseErrorCode =
  | 'TRUNCATED_JSON'
  | 'MALFORMED_ENVELOPE'
  | 'MALFORMED_BASE64'
  | 'WRONG_PAYLOAD_TYPE'
  | 'NO_SIGNATURES'
  | 'UNKNOWN_KEY'
  | 'BAD_SIGNATURE';

export interface VerifiedEnvelope {
  payloadType: string;
  /** The exact signed bytes, decoded from the envelope (never re-serialised). */
  payload: Buffer;
  /** keyids of the trusted keys whose signature verified. */
  keyids: string[];
}

const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict standard base64 (with padding) decoding; anything else is MALFORMED_BASE64. */
export function decodeBase64(value: string, what: string): Buffer {
  if (!STD_BASE64.test(value)) {
    throw new ProvenanceError<DsseErrorCode>('MALFORMED_BASE64', `${what} is not standard padded base64`);
  }
  return Buffer.from(value, 'base64');
}

/** Parses and shape-checks an envelope; JSON that ends early is TRUNCATED_JSON. */
export function parseEnvelope(text: string | Buffer): DsseEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(text.toString());
  } catch (err) {
    const message = (err as Error).message;
    const truncated = /end of (JSON )?input|Unterminated/i.test(message);
    throw new ProvenanceError<DsseErrorCode>(
      truncated ? 'TRUNCATED_JSON' : 'MALFORMED_ENVELOPE',
      truncated ? 'envelope JSON is truncated' : `envelope is not valid JSON: ${message}`,
    );
  }
  const env = value as Partial<DsseEnvelope> | null;
  if (env === null || typeof env !== 'object' || Array.isArray(env)) {
    throw new ProvenanceError<DsseErrorCode>('MALFORMED_ENVELOPE', 'envelope is not a JSON object');
  }
  if (typeof env.payloadType !== 'string') {
    throw new ProvenanceError<DsseErrorCode>('MALFORMED_ENVELOPE', 'envelope has no string payloadType');
  }
  if (typeof env.payload !== 'string') {
    throw new ProvenanceError<DsseErrorCode>('MALFORMED_ENVELOPE', 'envelope has no string payload');
  }
  if (!Array.isArray(env.signatures)) {
    throw new ProvenanceError<DsseErrorCode>('MALFORMED_ENVELOPE', 'envelope has no signatures array');
  }
  for (const [i, s] of env.signatures.entries()) {
    if (s === null || typeof s !== 'object' || typeof s.sig !== 'string') {
      throw new ProvenanceError<DsseErrorCode>('MALFORMED_ENVELOPE', `signatures[${i}] has no string sig`);
    }
    if (s.keyid !== undefined && typeof s.keyid !== 'string') {
      throw new ProvenanceError<DsseErrorCode>('MALFORMED_ENVELOPE', `signatures[${i}].keyid is not a string`);
    }
  }
  return { payloadType: env.payloadType, payload: env.payload, signatures: env.signatures };
}

/**
 * Verifies an envelope against trusted keys. Succeeds when at least `threshold` distinct
 * trusted keys signed the PAE of the decoded payload bytes. A keyid hint picks the key to
 * try first but is never trusted on its own: every trusted key is tried for each signature.
 */
export function verifyEnvelope(
  env: DsseEnvelope,
  verifiers: readonly Verifier[],
  opts: { payloadType?: string; threshold?: number } = {},
): VerifiedEnvelope {
  const threshold = opts.threshold ?? 1;
  if (opts.payloadType !== undefined && env.payloadType !== opts.payloadType) {
    throw new ProvenanceError<DsseErrorCode>(
      'WRONG_PAYLOAD_TYPE',
      `payloadType is "${env.payloadType}", expected "${opts.payloadType}"`,
    );
  }
  if (env.signatures.length === 0) throw new ProvenanceError<DsseErrorCode>('NO_SIGNATURES', 'envelope has no signatures');
  if (verifiers.length === 0) throw new ProvenanceError<DsseErrorCode>('UNKNOWN_KEY', 'no trusted keys given');
  const payload = decodeBase64(env.payload, 'payload');
  const message = pae(env.payloadType, payload);
  const verified = new Set<string>();
  let sawKnownHint = false;
  for (const [i, s] of env.signatures.entries()) {
    const sig = decodeBase64(s.sig, `signatures[${i}].sig`);
    const hinted = verifiers.filter((v) => v.keyid === s.keyid);
    if (hinted.length > 0) sawKnownHint = true;
    const order = [...hinted, ...verifiers.filter((v) => v.keyid !== s.keyid)];
    const ok = order.find((v) => !verified.has(v.keyid) && v.verify(message, sig));
    if (ok) verified.add(ok.keyid);
  }
  if (verified.size >= threshold) return { payloadType: env.payloadType, payload, keyids: [...verified] };
  if (verified.size === 0 && !sawKnownHint && env.signatures.every((s) => s.keyid)) {
    const hints = env.signatures.map((s) => s.keyid).join(', ');
    throw new ProvenanceError<DsseErrorCode>('UNKNOWN_KEY', `signed by unknown key(s) ${hints}; none of the trusted keys verifies`);
  }
  throw new ProvenanceError<DsseErrorCode>(
    'BAD_SIGNATURE',
    verified.size === 0
      ? 'no signature verifies against the trusted keys'
      : `only ${verified.size} of the required ${threshold} trusted keys signed`,
  );
}
