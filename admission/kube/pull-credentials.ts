import { parseDockerConfig, type CredentialMap, type RegistryCredentials } from '../../signer/storage/oci/credentials.ts';
import type { Logger } from '../../signer/server/logger.ts';
import { TtlCache } from '../verdict/ttl-cache.ts';
import type { PodTemplate } from '../workload/pod-specs.ts';
import type { SecretReader } from './secrets.ts';

const DATA_KEYS = ['.dockerconfigjson', '.dockercfg'];

/**
 * Registry credentials the kubelet would use for a pod: its own imagePullSecrets, then its
 * ServiceAccount's. Each Secret and ServiceAccount is read at most once per `ttlMs`; a
 * missing or unreadable Secret is skipped (as the kubelet does) and logged, never its content.
 */
export class PullCredentials {
  readonly #secrets: SecretReader;
  readonly #logger: Logger;
  readonly #maps: TtlCache<Promise<CredentialMap>>;
  readonly #accounts: TtlCache<Promise<string[]>>;

  constructor(secrets: SecretReader, logger: Logger, opts: { ttlMs?: number; maxEntries?: number } = {}) {
    this.#secrets = secrets;
    this.#logger = logger;
    const limits = { ttlMs: opts.ttlMs ?? 30_000, maxEntries: opts.maxEntries ?? 1024 };
    this.#maps = new TtlCache(limits);
    this.#accounts = new TtlCache(limits);
  }

  async forPod(namespace: string, pod: PodTemplate): Promise<CredentialMap | undefined> {
    const fromAccount = await this.#cached(this.#accounts, `${namespace}/${pod.serviceAccountName}`, () =>
      this.#secrets.serviceAccountPullSecrets(namespace, pod.serviceAccountName).catch((err: unknown) => {
        this.#logger.warn('serviceaccount not readable for pull secrets', { namespace, serviceAccount: pod.serviceAccountName, error: String((err as Error).message).slice(0, 200) });
        return [];
      }),
    );
    const names = [...new Set([...pod.imagePullSecrets, ...fromAccount])];
    if (names.length === 0) return undefined;
    const merged = new Map<string, RegistryCredentials>();
    for (const name of names) {
      const map = await this.#cached(this.#maps, `${namespace}/${name}`, () => this.#read(namespace, name));
      for (const [host, c] of map) if (!merged.has(host)) merged.set(host, c);
    }
    return merged;
  }

  #cached<V>(cache: TtlCache<Promise<V>>, key: string, load: () => Promise<V>): Promise<V> {
    const hit = cache.get(key);
    if (hit) return hit;
    const p = load();
    cache.set(key, p);
    return p;
  }

  async #read(namespace: string, name: string): Promise<CredentialMap> {
    try {
      const data = await this.#secrets.read(namespace, name);
      const key = DATA_KEYS.find((k) => data?.[k] !== undefined);
      if (!data || !key) return new Map();
      return parseDockerConfig(Buffer.from(data[key] as string, 'base64').toString('utf8'));
    } catch (err) {
      this.#logger.warn('image pull secret skipped', { namespace, secret: name, error: String((err as Error).message).slice(0, 200) });
      return new Map();
    }
  }
}
