import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { CertBundle } from './bundle.ts';
import { BUNDLE_FILES, type CertStore } from './store.ts';

/**
 * In-cluster: one Secret in our namespace holding the CA and serving cert, shared by all
 * replicas. Writes are optimistic (resourceVersion); when another replica wrote first, its
 * bundle wins and `save` adopts nothing: the caller reloads.
 */
export class SecretCertStore implements CertStore {
  readonly #api: CoreV1Api;
  readonly #namespace: string;
  readonly #name: string;
  #resourceVersion: string | undefined;
  readonly description: string;

  constructor(kubeConfig: KubeConfig, namespace: string, name: string) {
    this.#api = kubeConfig.makeApiClient(CoreV1Api);
    this.#namespace = namespace;
    this.#name = name;
    this.description = `Secret ${namespace}/${name}`;
  }

  async load(): Promise<CertBundle | undefined> {
    let data: Record<string, string> | undefined;
    try {
      const secret = await this.#api.readNamespacedSecret({ name: this.#name, namespace: this.#namespace });
      this.#resourceVersion = secret.metadata?.resourceVersion;
      data = secret.data;
    } catch (err) {
      if ((err as { code?: number }).code === 404) {
        this.#resourceVersion = undefined;
        return undefined;
      }
      throw err;
    }
    const get = (f: string) => (data?.[f] === undefined ? undefined : Buffer.from(data[f], 'base64').toString('utf8'));
    const bundle = {
      caCert: get(BUNDLE_FILES.caCert),
      caKey: get(BUNDLE_FILES.caKey),
      serverCert: get(BUNDLE_FILES.serverCert),
      serverKey: get(BUNDLE_FILES.serverKey),
    };
    return Object.values(bundle).every((v) => v !== undefined) ? (bundle as CertBundle) : undefined;
  }

  async save(bundle: CertBundle): Promise<void> {
    const data: Record<string, string> = {};
    for (const [field, file] of Object.entries(BUNDLE_FILES) as [keyof CertBundle, string][]) {
      data[file] = Buffer.from(bundle[field]).toString('base64');
    }
    const metadata = {
      name: this.#name,
      namespace: this.#namespace,
      labels: { 'app.kubernetes.io/part-of': 'tekton-provenance' },
      ...(this.#resourceVersion ? { resourceVersion: this.#resourceVersion } : {}),
    };
    const body = { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata, data };
    const saved = this.#resourceVersion
      ? await this.#api.replaceNamespacedSecret({ name: this.#name, namespace: this.#namespace, body })
      : await this.#api.createNamespacedSecret({ namespace: this.#namespace, body });
    this.#resourceVersion = saved.metadata?.resourceVersion;
  }
}
