import { CoreV1Api, makeInformer, type KubeConfig, type V1Namespace } from '@kubernetes/client-node';
import type { Logger } from '../../signer/server/logger.ts';
import type { NamespaceLabels } from './namespaces.ts';

/**
 * Namespaces through an informer (one list + watch, no API call per review); a namespace
 * the cache has not seen yet (created a moment ago) is read directly.
 */
export class KubeNamespaceLabels implements NamespaceLabels {
  readonly #api: CoreV1Api;
  readonly #informer;
  readonly #logger: Logger;
  #stopped = true;

  constructor(kc: KubeConfig, logger: Logger) {
    this.#api = kc.makeApiClient(CoreV1Api);
    this.#logger = logger;
    this.#informer = makeInformer<V1Namespace>(kc, '/api/v1/namespaces', () => this.#api.listNamespace());
    this.#informer.on('error', (err) => {
      this.#logger.warn('namespace watch failed; restarting', { error: String((err as Error)?.message ?? err).slice(0, 200) });
      if (!this.#stopped) setTimeout(() => { if (!this.#stopped) this.#informer.start().catch(() => undefined); }, 1000).unref();
    });
  }

  async start(): Promise<void> {
    this.#stopped = false;
    await this.#informer.start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#informer.stop();
  }

  async labels(namespace: string): Promise<Record<string, string> | undefined> {
    const cached = this.#informer.get(namespace);
    if (cached) return cached.metadata?.labels ?? {};
    try {
      return (await this.#api.readNamespace({ name: namespace })).metadata?.labels ?? {};
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    }
  }
}
