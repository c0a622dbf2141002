import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { authFailure } from '../errors.ts';
import type { SecretRef } from '../proof.ts';
import type { SecretResolver } from './resolver.ts';
import { TtlCache } from './ttl-cache.ts';
import { WebhookSecret } from './webhook-secret.ts';

export interface KubeSecretResolverOptions {
  /** How long a read Secret is reused (default 10 s: rotations apply quickly). */
  ttlMs?: number;
  maxEntries?: number;
}

/** The opt-in label: only Secrets carrying it are ever used as webhook secrets. */
export const WEBHOOK_SECRET_LABEL = 'tekton-provenance.dev/webhook-secret';

/**
 * Reads webhook secrets from Secrets in the trigger's namespace (RBAC: get secrets, granted
 * per namespace by a RoleBinding), and only from Secrets labelled
 * `tekton-provenance.dev/webhook-secret: "true"`: a Trigger cannot point the signer at a
 * Secret that was not meant for it (a registry credential, a token). Whole
 * Secrets are cached, so the keys of one Secret cost one read; concurrent misses share it.
 * Each key is decoded once per read into a WebhookSecret (with its HMAC key), so a cached
 * Secret costs no key import per event; a rotation is seen when the entry expires.
 */
export class KubeSecretResolver implements SecretResolver {
  readonly #api: CoreV1Api;
  readonly #cache: TtlCache<Promise<Map<string, WebhookSecret>>>;

  constructor(kubeConfig: KubeConfig, opts: KubeSecretResolverOptions = {}) {
    this.#api = kubeConfig.makeApiClient(CoreV1Api);
    this.#cache = new TtlCache(opts.ttlMs ?? 10_000, opts.maxEntries ?? 256);
  }

  async resolve(namespace: string, ref: SecretRef): Promise<WebhookSecret> {
    const data = await this.#secretData(namespace, ref.secretName);
    const value = data.get(ref.secretKey);
    if (value === undefined) {
      throw authFailure('SECRET_KEY_MISSING', `Secret ${namespace}/${ref.secretName} has no key "${ref.secretKey}"`);
    }
    return value;
  }

  #secretData(namespace: string, name: string): Promise<Map<string, WebhookSecret>> {
    const key = `${namespace}/${name}`;
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    const pending = this.#read(namespace, name);
    this.#cache.set(key, pending);
    // Failures are not cached: the next event retries the API.
    pending.catch(() => this.#cache.deleteIf(key, pending));
    return pending;
  }

  async #read(namespace: string, name: string): Promise<Map<string, WebhookSecret>> {
    return decodeSecretData(await this.#readData(namespace, name));
  }

  async #readData(namespace: string, name: string): Promise<Record<string, string>> {
    let secret;
    try {
      secret = await this.#api.readNamespacedSecret({ name, namespace });
    } catch (err) {
      if ((err as { code?: number }).code === 404) {
        throw authFailure('SECRET_NOT_FOUND', `Secret ${namespace}/${name} does not exist`, err);
      }
      if ((err as { code?: number }).code === 403) {
        throw authFailure('SECRET_NOT_FOUND', `not allowed to read Secret ${namespace}/${name} (RBAC)`, err);
      }
      throw authFailure('SECRET_LOOKUP_FAILED', `reading Secret ${namespace}/${name} failed`, err);
    }
    if (secret.metadata?.labels?.[WEBHOOK_SECRET_LABEL] !== 'true') {
      throw authFailure('SECRET_NOT_LABELLED', `Secret ${namespace}/${name} is not labelled ${WEBHOOK_SECRET_LABEL}: "true"`);
    }
    return secret.data ?? {};
  }
}

/** A Secret's base64 `data`, each key decoded once into a WebhookSecret. */
function decodeSecretData(data: Record<string, string>): Map<string, WebhookSecret> {
  return new Map(Object.entries(data).map(([key, value]) => [key, new WebhookSecret(Buffer.from(value, 'base64'))]));
}
