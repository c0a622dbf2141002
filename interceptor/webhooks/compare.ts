import { createHash, createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { interceptorError } from '../errors.ts';
import type { WebhookSecret } from '../secrets/webhook-secret.ts';

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

/** An empty key: what a missing secret was before (the pipeline refuses empty secrets first). */
const NO_SECRET_KEY = createSecretKey(Buffer.alloc(0));

/** The HMAC key of a resolved secret (imported once per secret, see WebhookSecret). */
export function hmacKeyOf(secret: WebhookSecret | undefined): KeyObject {
  return secret?.hmacKey() ?? NO_SECRET_KEY;
}

const HEX_LENGTH: Record<HmacAlgorithm, number> = { sha256: 64, sha1: 40 };

/**
 * Checks a `<algo>=<hex>` signature header against the HMAC of the exact body bytes.
 * MALFORMED_SIGNATURE when the header is not of that form, SIGNATURE_MISMATCH when the HMAC
 * differs (wrong secret or altered body). The header value is never echoed in messages.
 * `secret` is the imported key (WebhookSecret#hmacKey): the same HMAC as with its bytes.
 */
export function verifyHmacHeader(
  headerName: string,
  value: string,
  allowed: readonly HmacAlgorithm[],
  body: Buffer,
  secret: KeyObject,
): HmacAlgorithm {
  const eq = value.indexOf('=');
  const algo = value.slice(0, eq) as HmacAlgorithm;
  const hex = value.slice(eq + 1).toLowerCase();
  if (eq < 0 || !allowed.includes(algo) || hex.length !== HEX_LENGTH[algo] || !/^[0-9a-f]+$/.test(hex)) {
    throw interceptorError(
      'MALFORMED_SIGNATURE',
      `${headerName} must be ${allowed.map((a) => `"${a}=<hex>"`).join(' or ')}`,
    );
  }
  const expected = createHmac(algo, secret).update(body).digest();
  if (!timingSafeEqual(expected, Buffer.from(hex, 'hex'))) {
    throw interceptorError(
      'SIGNATURE_MISMATCH',
      `${headerName} does not match the ${algo} HMAC of the body (wrong secret or altered payload)`,
    );
  }
  return algo;
}
