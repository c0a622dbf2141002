import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';

/** Reads a Secret's data (base64 values as stored); undefined when it does not exist. */
export interface SecretReader {
  read(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  /** A ServiceAccount's imagePullSecrets names (empty when it does not exist). */
  serviceAccountPullSecrets(namespace: string, name: string): Promise<string[]>;
}

const status = (err: unknown): number | undefined => (err as { code?: number }).code;

/** Through the API server, with the webhook's own ServiceAccount (RBAC: get secrets, serviceaccounts). */
export class KubeSecretReader implements SecretReader {
  readonly #api: CoreV1Api;

  constructor(kc: KubeConfig) {
    this.#api = kc.makeApiClient(CoreV1Api);
  }

  async read(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    try {
      return (await this.#api.readNamespacedSecret({ namespace, name })).data ?? {};
    } catch (err) {
      if (status(err) === 404) return undefined;
      throw err;
    }
  }

  async serviceAccountPullSecrets(namespace: string, name: string): Promise<string[]> {
    try {
      const sa = await this.#api.readNamespacedServiceAccount({ namespace, name });
      return (sa.imagePullSecrets ?? []).map((s) => s.name ?? '').filter((n) => n !== '');
    } catch (err) {
      if (status(err) === 404) return [];
      throw err;
    }
  }
}
