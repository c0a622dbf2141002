/**
 * Headers that carry secrets (webhook tokens, credentials, session cookies). They must be
 * removed before a record is signed or stored; the signer refuses a statement that still holds
 * one, so even a buggy or compromised interceptor cannot get a secret signed into a record.
 */
export const SECRET_HEADERS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-gitlab-token',
  'x-auth-token',
  'x-api-key',
];

/** True when `name` (any case) is a header that must never be signed or stored. */
export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.includes(name.toLowerCase());
}
