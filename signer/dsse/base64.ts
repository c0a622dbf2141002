import { dsseError } from './errors.ts';

/**
 * Strict base64 decoding for envelope fields: padding required, no whitespace, one alphabet
 * per value, canonical (no stray bits in the last character), so each byte sequence has
 * exactly one accepted text per alphabet. We emit only standard base64 (cosign decodes only
 * that); the URL-safe alphabet is accepted because the DSSE protocol says verifiers MUST.
 *
 * Checked by round trip instead of a regex: Buffer's decoder skips junk, so any text that is
 * not the canonical encoding of its own decoding is refused, at the cost of one re-encode.
 */
export function decodeBase64(value: string, what: string): Buffer {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.toString('base64') === value) return bytes;
  const url = Buffer.from(value, 'base64url');
  const urlText = url.toString('base64url');
  if (urlText + '='.repeat((4 - (urlText.length % 4)) % 4) === value) return url;
  const chars = /^[A-Za-z0-9+/=]*$/.test(value) || /^[A-Za-z0-9_=-]*$/.test(value);
  throw dsseError(
    'MALFORMED_BASE64',
    chars && value.length % 4 === 0 && !/=[^=]/.test(value)
      ? `${what} is not canonical base64 (non-zero padding bits)`
      : `${what} is not padded base64 (standard or URL-safe alphabet)`,
  );
}

/** Standard base64 with padding (RFC 4648 section 4), the only form we emit. */
export function encodeBase64(bytes: Buffer): string {
  return bytes.toString('base64');
}
