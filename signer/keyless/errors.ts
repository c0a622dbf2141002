import { ProvenanceError } from '../errors.ts';

/** Why keyless signing could not get a certificate. */
export type KeylessErrorCode =
  | 'KEYLESS_TOKEN_UNREADABLE' // the projected token file cannot be read
  | 'KEYLESS_TOKEN_INVALID' // not a JWT
  | 'KEYLESS_TOKEN_EXPIRED' // exp passed (the kubelet refreshes it; read again next time)
  | 'KEYLESS_WRONG_ISSUER' // iss is not `signers.x509.fulcio.issuer`
  | 'FULCIO_REJECTED' // 4xx: token or proof of possession refused (audience, signature, ...)
  | 'FULCIO_BAD_RESPONSE' // not a certificate chain, or one for another key
  | 'FULCIO_UNREACHABLE' | 'FULCIO_TIMEOUT' | 'FULCIO_SERVER_ERROR' // after bounded retries
  | 'KEYLESS_NO_CERTIFICATE'; // no cached certificate valid long enough, and none could be had (cert-cache.ts)

export function keylessError(code: KeylessErrorCode, message: string, cause?: unknown): ProvenanceError<KeylessErrorCode> {
  return new ProvenanceError<KeylessErrorCode>(code, message, cause === undefined ? undefined : { cause });
}

/** Configuration faults retrying cannot cure (an expired token can: the kubelet refreshes it). */
export function isPermanentKeylessError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return code === 'FULCIO_REJECTED' || code === 'KEYLESS_WRONG_ISSUER' || code === 'KEYLESS_TOKEN_INVALID';
}
