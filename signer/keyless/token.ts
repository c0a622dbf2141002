import { readFile } from 'node:fs/promises';
import { keylessError } from './errors.ts';

/** What keyless signing needs from the projected ServiceAccount token (never logged or stored). */
export interface IdentityToken {
  token: string;
  issuer: string;
  /** The claim Fulcio's proof of possession signs: email when present, else sub. */
  subject: string;
  expiresAt: Date;
}

/**
 * Reads the token file afresh (the kubelet rotates it; Chains' `signers.x509.identity.token.file`)
 * and decodes its claims without checking the signature: Fulcio does that. Refuses an expired
 * token, or one from another issuer than configured, before any request is made.
 */
export async function readIdentityToken(path: string, expectedIssuer?: string, now = new Date()): Promise<IdentityToken> {
  let token: string;
  try {
    token = (await readFile(path, 'utf8')).trim();
  } catch (err) {
    throw keylessError('KEYLESS_TOKEN_UNREADABLE', `cannot read the identity token ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const claims = decodeClaims(token, path);
  if (typeof claims.iss !== 'string' || typeof claims.exp !== 'number') throw keylessError('KEYLESS_TOKEN_INVALID', `the identity token in ${path} has no iss or exp claim`);
  const subject = typeof claims.email === 'string' ? claims.email : claims.sub;
  if (typeof subject !== 'string') throw keylessError('KEYLESS_TOKEN_INVALID', `the identity token in ${path} has no sub claim`);
  const expiresAt = new Date(claims.exp * 1000);
  if (expiresAt <= now) throw keylessError('KEYLESS_TOKEN_EXPIRED', `the identity token in ${path} expired at ${expiresAt.toISOString()} (is the projected token volume mounted and refreshed?)`);
  if (expectedIssuer && claims.iss !== expectedIssuer) {
    throw keylessError('KEYLESS_WRONG_ISSUER', `the identity token is from ${claims.iss}, signers.x509.fulcio.issuer is ${expectedIssuer}`);
  }
  return { token, issuer: claims.iss, subject, expiresAt };
}

function decodeClaims(token: string, path: string): { iss?: unknown; exp?: unknown; sub?: unknown; email?: unknown } {
  const part = token.split('.')[1];
  try {
    if (token.split('.').length !== 3 || !part) throw new Error('not three parts');
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw keylessError('KEYLESS_TOKEN_INVALID', `the file ${path} does not hold a JWT`);
  }
}
