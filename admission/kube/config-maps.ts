import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';

/** Reads a ConfigMap's data; undefined when it does not exist. */
export interface ConfigMapReader {
  read(namespace: string, name: string): Promise<Record<string, string> | undefined>;
}

/** Through the API server (RBAC: get configmaps in the webhook's own namespace only). */
export class KubeConfigMapReader implements ConfigMapReader {
  readonly #api: CoreV1Api;

  constructor(kc: KubeConfig) {
    this.#api = kc.makeApiClient(CoreV1Api);
  }

  async read(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    try {
      return (await this.#api.readNamespacedConfigMap({ namespace, name })).data ?? {};
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    }
  }
}
