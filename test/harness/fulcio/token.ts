import { createPublicKey, verify } from 'node:crypto';

/** Why a token was refused (the stand-in answers 401 with this message, as Fulcio does). */
export class TokenRejected extends Error {}

export interface TokenClaims {
  iss: string;
  sub: string;
  email?: string;
  aud: string | string[];
  exp: number;
  'kubernetes.io'?: { namespace?: string; serviceaccount?: { name?: string } };
}

/**
 * Checks an ID token as Fulcio does: issuer allowed, signature by a key of the issuer's JWKS
 * (fetched through OIDC discovery), audience `sigstore`, not expired.
 */
export async function verifyToken(token: string, allowedIssuers: readonly string[], audience = 'sigstore'): Promise<TokenClaims> {
  const [h, p, s] = token.split('.');
  if (!h || !p || !s) throw new TokenRejected('the token is not a JWT');
  let header: { alg?: string; kid?: string };
  let claims: TokenClaims;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString()) as typeof header;
    claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as TokenClaims;
  } catch {
    throw new TokenRejected('the token is not a JWT');
  }
  if (!allowedIssuers.includes(claims.iss)) throw new TokenRejected(`issuer ${claims.iss} is not trusted`);
  const discovery = (await (await fetch(`${claims.iss}/.well-known/openid-configuration`)).json()) as { jwks_uri: string };
  const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: Array<{ kid?: string } & Record<string, unknown>> };
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk || header.alg !== 'ES256') throw new TokenRejected('no key of the issuer signed the token');
  const ok = verify('sha256', Buffer.from(`${h}.${p}`), { key: createPublicKey({ key: jwk as never, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
  if (!ok) throw new TokenRejected('the token signature does not verify');
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(audience)) throw new TokenRejected(`the token audience ${JSON.stringify(claims.aud)} does not include "${audience}"`);
  if (claims.exp * 1000 <= Date.now()) throw new TokenRejected('the token has expired');
  return claims;
}
