import { createHash, createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import { authFailure } from '../errors.ts';

/**
 * Constant-time equality of two secrets of any length: both are hashed first, so the
 * comparison is over equal-length digests and leaks neither content nor length.
 */
export function secretsEqual(a: Buffer, b: Buffer): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

export type HmacAlgorithm = 'sha256' | 'sha1';

const HEX_LENGTH: Record<HmacAlgorithm, number> = { sha256: 64, sha1: 40 };

/**
 * Checks a `<algo>=<hex>` signature header against the HMAC of the exact body bytes (the
 * UTF-8 bytes of the body string: what the EventListener received, see docs/security.md).
 * MALFORMED_SIGNATURE when the header is not of that form, SIGNATURE_MISMATCH when the HMAC
 * differs (wrong secret or altered body). The header value is never echoed in messages.
 * `secret` is the imported key (WebhookSecret#hmacKey): the same HMAC as with its bytes.
 */
export function verifyHmacHeader(
  headerName: string,
  value: string,
  allowed: readonly HmacAlgorithm[],
  body: string,
  secret: KeyObject,
): HmacAlgorithm {
  const eq = value.indexOf('=');
  const algo = value.slice(0, eq) as HmacAlgorithm;
  const hex = value.slice(eq + 1).toLowerCase();
  if (eq < 0 || !allowed.includes(algo) || hex.length !== HEX_LENGTH[algo] || !/^[0-9a-f]+$/.test(hex)) {
    throw authFailure(
      'MALFORMED_SIGNATURE',
      `${headerName} must be ${allowed.map((a) => `"${a}=<hex>"`).join(' or ')}`,
    );
  }
  const expected = createHmac(algo, secret).update(body, 'utf8').digest();
  if (!timingSafeEqual(expected, Buffer.from(hex, 'hex'))) {
    throw authFailure(
      'SIGNATURE_MISMATCH',
      `${headerName} does not match the ${algo} HMAC of the body (wrong secret or altered payload)`,
    );
  }
  return algo;
}
