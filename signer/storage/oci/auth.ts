import { storageError } from '../errors.ts';
import type { RegistryCredentials } from './credentials.ts';
import { httpRequest, type TransportOptions } from './transport.ts';

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `WWW-Authenticate: Bearer realm="...",service="...",scope="..."` (or Basic). */
export function parseChallenge(header: string): Challenge | undefined {
  const m = /^(\w+)\s*(.*)$/.exec(header.trim());
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of (m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) params[(p[1] as string).toLowerCase()] = p[2] as string;
  return { scheme: (m[1] as string).toLowerCase(), params };
}

const basic = (c: RegistryCredentials): string => `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;

/**
 * Turns a 401 challenge into an Authorization header: Basic directly, Bearer through the
 * token service (docker registry token protocol), anonymous when no credentials are known.
 */
export async function authorize(
  challengeHeader: string | null,
  scope: string,
  credentials: RegistryCredentials | undefined,
  transport: TransportOptions,
): Promise<string> {
  const challenge = challengeHeader ? parseChallenge(challengeHeader) : undefined;
  if (!challenge || challenge.scheme === 'basic') {
    if (!credentials) throw storageError('REGISTRY_AUTH', 'the registry requires credentials and none are configured');
    return basic(credentials);
  }
  if (challenge.scheme !== 'bearer' || !challenge.params['realm']) {
    throw storageError('REGISTRY_AUTH', `unsupported registry auth scheme "${challenge.scheme}"`);
  }
  const url = new URL(challenge.params['realm']);
  if (challenge.params['service']) url.searchParams.set('service', challenge.params['service']);
  url.searchParams.set('scope', scope);
  const res = await httpRequest(url.toString(), { headers: credentials ? { authorization: basic(credentials) } : {} }, transport);
  if (res.status !== 200) throw storageError('REGISTRY_AUTH', `the token service refused the credentials (HTTP ${res.status})`);
  const body = JSON.parse(res.body.toString('utf8')) as { token?: string; access_token?: string };
  const token = body.token ?? body.access_token;
  if (!token) throw storageError('REGISTRY_AUTH', 'the token service returned no token');
  return `Bearer ${token}`;
}
