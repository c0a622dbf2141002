/**
 * Headers never copied into the signed record. Secrets outright (X-Gitlab-Token,
 * Authorization, cookies) and the HMAC signature headers: an HMAC over a body that the record
 * publishes is an offline guessing oracle for a weak webhook secret, and the record already
 * says which check passed. Any header whose name mentions token/secret/password/signature/
 * api-key/auth/cookie/session is removed too, so a new provider's secret header is safe by
 * default.
 */
const SECRET_NAME = /token|secret|passw|signature|api-?key|auth|cookie|session|credential/i;

export interface RedactedHeaders {
  headers: Record<string, string[]>;
  /** The removed names as received, sorted (the record lists them so readers know). */
  redacted: string[];
}

export function redactHeaders(header: Record<string, string[]>): RedactedHeaders {
  const headers: Record<string, string[]> = {};
  const redacted: string[] = [];
  for (const name of Object.keys(header).sort()) {
    if (SECRET_NAME.test(name)) redacted.push(name);
    else headers[name] = [...(header[name] ?? [])];
  }
  return { headers, redacted };
}
