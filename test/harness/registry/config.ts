import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';

/** What the fixture puts in docker-registry's config.yml (distribution v2.8 keys). */
export interface RegistryConfigInput {
  storageDir: string;
  /** `127.0.0.1:0` for a fresh start (the registry logs the port it got), a fixed port on restart. */
  addr: string;
  htpasswdPath?: string;
  tls?: { certPath: string; keyPath: string };
}

/**
 * Renders config.yml. Deletes are enabled (tests delete manifests), background upload purging
 * and the storage health check are off (they start timers that outlive short tests), and a
 * random http.secret silences the multi-instance warning.
 */
export function registryConfigYaml(input: RegistryConfigInput): string {
  const http: Record<string, unknown> = {
    addr: input.addr,
    secret: randomBytes(16).toString('hex'),
    headers: { 'X-Content-Type-Options': ['nosniff'] },
  };
  if (input.tls) http['tls'] = { certificate: input.tls.certPath, key: input.tls.keyPath };
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'info', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: input.storageDir },
      delete: { enabled: true },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http,
    health: { storagedriver: { enabled: false } },
  };
  if (input.htpasswdPath) config['auth'] = { htpasswd: { realm: 'tekton-provenance-test', path: input.htpasswdPath } };
  return stringify(config);
}
