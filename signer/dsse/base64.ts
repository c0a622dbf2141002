import { dsseError } from './errors.ts';

// Alphabet + at most two trailing '=' + length a multiple of 4 is exactly "padded base64".
// (A repeated-group regex overflows V8's backtracking stack on payloads of tens of MiB.)
const STD_CHARS = /^[A-Za-z0-9+/]*={0,2}$/;
const URL_CHARS = /^[A-Za-z0-9_-]*={0,2}$/;
const STD_BASE64 = { test: (v: string) => v.length % 4 === 0 && STD_CHARS.test(v) };
const URL_BASE64 = { test: (v: string) => v.length % 4 === 0 && URL_CHARS.test(v) };

/**
 * Strict base64 decoding for envelope fields: padding required, no whitespace, one alphabet
 * per value, canonical (no stray bits in the last character), so each byte sequence has
 * exactly one accepted text per alphabet. We emit only standard base64 (cosign decodes only
 * that); the URL-safe alphabet is accepted because the DSSE protocol says verifiers MUST.
 */
export function decodeBase64(value: string, what: string): Buffer {
  // Fast path (multi-MiB payloads): Node decodes leniently, but a value that re-encodes to
  // itself is exactly canonical padded standard base64. Anything else takes the checks below.
  const fast = Buffer.from(value, 'base64');
  if (fast.toString('base64') === value) return fast;
  const standard = STD_BASE64.test(value);
  if (!standard && !URL_BASE64.test(value)) {
    throw dsseError('MALFORMED_BASE64', `${what} is not padded base64 (standard or URL-safe alphabet)`);
  }
  const bytes = Buffer.from(value, standard ? 'base64' : 'base64url');
  const canonical = bytes.toString('base64');
  const expected = standard ? canonical : canonical.replaceAll('+', '-').replaceAll('/', '_');
  if (expected !== value) throw dsseError('MALFORMED_BASE64', `${what} is not canonical base64 (non-zero padding bits)`);
  return bytes;
}

/** Standard base64 with padding (RFC 4648 section 4), the only form we emit. */
export function encodeBase64(bytes: Buffer): string {
  return bytes.toString('base64');
}
