import { AdmissionregistrationV1Api, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { ProvenanceError } from '../../signer/errors.ts';
import type { CaBundlePublisher } from '../../signer/tls/manager.ts';

export const DEFAULT_WEBHOOK_CONFIGURATION = 'tekton-provenance-admission';

interface WebhookConfiguration {
  webhooks?: Array<{ clientConfig?: { caBundle?: string } }>;
}

/**
 * Makes the API server trust our CA: patches `webhooks[*].clientConfig.caBundle` (base64 PEM)
 * of OUR MutatingWebhookConfiguration and ValidatingWebhookConfiguration (both named
 * `name`), as the interceptor patches its ClusterInterceptor. Nothing is written when the
 * bundle is already current.
 */
export class WebhookCaBundle implements CaBundlePublisher {
  readonly #api: AdmissionregistrationV1Api;
  readonly #name: string;

  constructor(kc: KubeConfig, name: string = DEFAULT_WEBHOOK_CONFIGURATION) {
    this.#api = kc.makeApiClient(AdmissionregistrationV1Api);
    this.#name = name;
  }

  async publish(caPem: string): Promise<void> {
    const caBundle = Buffer.from(caPem).toString('base64');
    const name = this.#name;
    const json = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
    const mutating = await this.#read(() => this.#api.readMutatingWebhookConfiguration({ name }), 'MutatingWebhookConfiguration');
    const mutatingPatch = patchFor(mutating, caBundle);
    if (mutatingPatch.length > 0) await this.#api.patchMutatingWebhookConfiguration({ name, body: mutatingPatch }, json);
    const validating = await this.#read(() => this.#api.readValidatingWebhookConfiguration({ name }), 'ValidatingWebhookConfiguration');
    const validatingPatch = patchFor(validating, caBundle);
    if (validatingPatch.length > 0) await this.#api.patchValidatingWebhookConfiguration({ name, body: validatingPatch }, json);
  }

  async #read(get: () => Promise<unknown>, kind: string): Promise<WebhookConfiguration> {
    try {
      return (await get()) as WebhookConfiguration;
    } catch (err) {
      if ((err as { code?: number }).code === 404) {
        throw new ProvenanceError('WEBHOOK_CONFIGURATION_NOT_FOUND', `${kind} ${this.#name} does not exist (apply manifests/admission/ first)`, { cause: err });
      }
      throw err;
    }
  }
}

/** JSON patch ops setting every webhook's caBundle that differs (`add` also replaces). */
function patchFor(config: WebhookConfiguration, caBundle: string): Array<{ op: 'add'; path: string; value: string }> {
  return (config.webhooks ?? []).flatMap((w, i) =>
    w.clientConfig?.caBundle === caBundle ? [] : [{ op: 'add' as const, path: `/webhooks/${i}/clientConfig/caBundle`, value: caBundle }],
  );
}
