import { dsseError } from './errors.ts';

const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const URL_BASE64 = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}==|[A-Za-z0-9_-]{3}=)?$/;

/**
 * Strict base64 decoding for envelope fields: padding required, no whitespace, one alphabet
 * per value, canonical (no stray bits in the last character), so each byte sequence has
 * exactly one accepted text per alphabet. We emit only standard base64 (cosign decodes only
 * that); the URL-safe alphabet is accepted because the DSSE protocol says verifiers MUST.
 */
export function decodeBase64(value: string, what: string): Buffer {
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
