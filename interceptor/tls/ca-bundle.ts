import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { ProvenanceError } from '../../signer/errors.ts';
import type { CaBundlePublisher } from '../../signer/tls/manager.ts';

/** Triggers' core interceptors overwrite the caBundle of ClusterInterceptors with these names. */
export const CORE_INTERCEPTOR_NAMES = ['cel', 'github', 'gitlab', 'bitbucket', 'slack'] as const;
export const DEFAULT_CLUSTER_INTERCEPTOR = 'tekton-provenance';

export type CaBundleErrorCode = 'CORE_INTERCEPTOR_NAME' | 'CLUSTER_INTERCEPTOR_NOT_FOUND';

const GVR = { group: 'triggers.tekton.dev', version: 'v1alpha1', plural: 'clusterinterceptors' };

/**
 * Merge-patches `spec.clientConfig.caBundle` (base64 PEM) and the `server/type: https`
 * label (the EL trusts only caBundles of interceptors carrying it). Refuses core names:
 * Triggers would overwrite our CA with its own.
 */
export class ClusterInterceptorCaBundle implements CaBundlePublisher {
  readonly #api: CustomObjectsApi;
  readonly #name: string;

  constructor(kubeConfig: KubeConfig, name: string = DEFAULT_CLUSTER_INTERCEPTOR) {
    if ((CORE_INTERCEPTOR_NAMES as readonly string[]).includes(name)) {
      throw new ProvenanceError<CaBundleErrorCode>(
        'CORE_INTERCEPTOR_NAME',
        `ClusterInterceptor name "${name}" is a Triggers core interceptor name; Triggers would overwrite its caBundle`,
      );
    }
    this.#api = kubeConfig.makeApiClient(CustomObjectsApi);
    this.#name = name;
  }

  async publish(caPem: string): Promise<void> {
    const caBundle = Buffer.from(caPem).toString('base64');
    const current = await this.#read();
    if (current.caBundle === caBundle && current.httpsLabel) return;
    await this.#api.patchClusterCustomObject(
      {
        ...GVR,
        name: this.#name,
        body: { metadata: { labels: { 'server/type': 'https' } }, spec: { clientConfig: { caBundle } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  async #read(): Promise<{ caBundle: string | undefined; httpsLabel: boolean }> {
    try {
      const obj = (await this.#api.getClusterCustomObject({ ...GVR, name: this.#name })) as {
        metadata?: { labels?: Record<string, string> };
        spec?: { clientConfig?: { caBundle?: string } };
      };
      return { caBundle: obj.spec?.clientConfig?.caBundle, httpsLabel: obj.metadata?.labels?.['server/type'] === 'https' };
    } catch (err) {
      if ((err as { code?: number }).code === 404) {
        throw new ProvenanceError<CaBundleErrorCode>(
          'CLUSTER_INTERCEPTOR_NOT_FOUND',
          `ClusterInterceptor ${this.#name} does not exist (apply manifests/ first)`,
          { cause: err },
        );
      }
      throw err;
    }
  }
}
