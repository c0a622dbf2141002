/**
 * Headers that carry (or may carry) secrets: webhook tokens, credentials, cookies, and HMAC
 * signatures (an HMAC over a published body is an offline guessing oracle for a weak webhook
 * secret). The interceptor removes them (interceptor/record/redact.ts uses the same rule);
 * the signer REFUSES a statement that still holds one, so even a buggy or compromised
 * interceptor cannot get a secret signed into a record.
 */
const SECRET_NAME = /token|secret|passw|signature|api-?key|auth|cookie|session|credential/i;

/** True when `name` (any case) is a header that must never be signed or stored. */
export function isSecretHeader(name: string): boolean {
  return SECRET_NAME.test(name);
}
