import { storageError } from '../errors.ts';

/** Registry credentials for one host; never logged. */
export interface RegistryCredentials {
  username: string;
  password: string;
}

/** host -> credentials, from a docker config.json (a Secret of type kubernetes.io/dockerconfigjson). */
export type CredentialMap = ReadonlyMap<string, RegistryCredentials>;

function hostOf(key: string): string {
  // Keys may be "https://index.docker.io/v1/", "reg:5000" or "reg:5000/path".
  return key.replace(/^https?:\/\//, '').split('/')[0] ?? key;
}

/**
 * Parses `.dockerconfigjson` (`{"auths": {host: {auth | username+password}}}`). The legacy
 * `.dockercfg` form (hosts at the top level) is accepted too. Errors never echo the content.
 */
export function parseDockerConfig(json: string): CredentialMap {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw storageError('REGISTRY_AUTH', 'the registry credentials are not valid docker config JSON');
  }
  const root = (parsed ?? {}) as Record<string, unknown>;
  const auths = (typeof root['auths'] === 'object' && root['auths'] !== null ? root['auths'] : root) as Record<string, unknown>;
  const out = new Map<string, RegistryCredentials>();
  for (const [key, value] of Object.entries(auths)) {
    const entry = (value ?? {}) as Record<string, unknown>;
    let username = typeof entry['username'] === 'string' ? entry['username'] : '';
    let password = typeof entry['password'] === 'string' ? entry['password'] : '';
    if (typeof entry['auth'] === 'string' && entry['auth'] !== '') {
      const decoded = Buffer.from(entry['auth'], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw storageError('REGISTRY_AUTH', `the credentials for ${hostOf(key)} have an "auth" value without user:password`);
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
    if (username !== '') out.set(hostOf(key), { username, password });
  }
  if (out.has('index.docker.io') === false && out.has('docker.io')) out.set('index.docker.io', out.get('docker.io') as RegistryCredentials);
  return out;
}
