import type { DsseEnvelope, DsseSignature } from './envelope.ts';
import { dsseError } from './errors.ts';

/**
 * Bigger input is refused unread. An event record embeds a webhook body of up to 25 MiB
 * (GitHub's maximum), JSON-escaped and then base64'd (x4/3): 96 MiB leaves room for that.
 */
export const MAX_ENVELOPE_BYTES = 96 * 1024 * 1024;
/** Verification tries every trusted key per signature: bound the work. */
export const MAX_SIGNATURES = 64;

/** Parses and shape-checks an envelope; JSON that ends early is TRUNCATED_JSON. */
export function parseEnvelope(text: string | Buffer, maxBytes = MAX_ENVELOPE_BYTES): DsseEnvelope {
  const size = typeof text === 'string' ? Buffer.byteLength(text) : text.length;
  if (size > maxBytes)
    throw dsseError('ENVELOPE_TOO_LARGE', `envelope is ${size} bytes, over the ${maxBytes} byte limit`);
  const value = parseJson(text.toString());
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw dsseError('MALFORMED_ENVELOPE', 'envelope is not a JSON object');
  }
  const env = value as Record<string, unknown>;
  if (typeof env.payloadType !== 'string')
    throw dsseError('MALFORMED_ENVELOPE', 'envelope has no string payloadType');
  if (typeof env.payload !== 'string')
    throw dsseError('MALFORMED_ENVELOPE', 'envelope has no string payload');
  if (!Array.isArray(env.signatures))
    throw dsseError('MALFORMED_ENVELOPE', 'envelope has no signatures array');
  if (env.signatures.length > MAX_SIGNATURES) {
    throw dsseError(
      'MALFORMED_ENVELOPE',
      `envelope has ${env.signatures.length} signatures (at most ${MAX_SIGNATURES})`,
    );
  }
  const signatures = env.signatures.map(parseSignature);
  return { payloadType: env.payloadType, payload: env.payload, signatures };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    // V8 reports truncation as "Unexpected end of JSON input", "Unterminated string", or
    // an "Expected ..." error positioned at the very end of the input.
    const at = /at position (\d+)/.exec(message);
    const truncated =
      /end of (JSON )?input|Unterminated/i.test(message) ||
      (at !== null && Number(at[1]) >= text.trimEnd().length);
    throw truncated
      ? dsseError('TRUNCATED_JSON', 'envelope JSON is truncated (input ends early)', err)
      : dsseError('MALFORMED_ENVELOPE', `envelope is not valid JSON: ${message}`, err);
  }
}

function parseSignature(s: unknown, i: number): DsseSignature {
  if (s === null || typeof s !== 'object' || Array.isArray(s)) {
    throw dsseError('MALFORMED_ENVELOPE', `signatures[${i}] is not an object`);
  }
  const { sig, keyid } = s as Record<string, unknown>;
  if (typeof sig !== 'string') throw dsseError('MALFORMED_ENVELOPE', `signatures[${i}] has no string sig`);
  if (keyid !== undefined && typeof keyid !== 'string') {
    throw dsseError('MALFORMED_ENVELOPE', `signatures[${i}].keyid is not a string`);
  }
  // An empty keyid is "no hint" (DSSE: keyid is optional and unauthenticated).
  return keyid ? { keyid, sig } : { sig };
}
