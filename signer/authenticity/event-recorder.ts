import { randomBytes } from 'node:crypto';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../server/logger.ts';

export interface RejectionEvent {
  namespace: string;
  triggerName: string;
  eventId: string;
  reason: string;
  message: string;
}

/**
 * Records refusals where cluster users look: `kubectl get events` in the trigger's namespace.
 * The signer records them (it alone talks to the API; the interceptor has no token).
 */
export interface EventRecorder {
  /** Best-effort and non-blocking: the answer to the EventListener never waits on it. */
  rejected(event: RejectionEvent): void;
  /** Resolves when every recording started so far has finished (tests, shutdown). */
  flush(): Promise<void>;
}

export const noEventRecorder: EventRecorder = { rejected: () => undefined, flush: async () => undefined };

const MAX_PENDING = 64;

/** core/v1 Events about the Trigger (involvedObject), type Warning, reason = our error code. */
export class KubeEventRecorder implements EventRecorder {
  readonly #api: CoreV1Api;
  readonly #logger: Logger;
  readonly #pending = new Set<Promise<void>>();

  constructor(kubeConfig: KubeConfig, logger: Logger) {
    this.#api = kubeConfig.makeApiClient(CoreV1Api);
    this.#logger = logger;
  }

  rejected(event: RejectionEvent): void {
    if (this.#pending.size >= MAX_PENDING) {
      this.#logger.warn('kubernetes event dropped: too many pending', { reason: event.reason, eventId: event.eventId });
      return;
    }
    const p = this.#create(event).finally(() => this.#pending.delete(p));
    this.#pending.add(p);
  }

  async flush(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  async #create(e: RejectionEvent): Promise<void> {
    const now = new Date();
    try {
      await this.#api.createNamespacedEvent({
        namespace: e.namespace,
        body: {
          metadata: { name: `${e.triggerName.slice(0, 200)}.${randomBytes(8).toString('hex')}`, namespace: e.namespace },
          involvedObject: { apiVersion: 'triggers.tekton.dev/v1beta1', kind: 'Trigger', name: e.triggerName, namespace: e.namespace },
          type: 'Warning',
          reason: e.reason,
          message: `event ${e.eventId} rejected: ${e.message}`.slice(0, 1024),
          source: { component: 'tekton-provenance-signer' },
          reportingComponent: 'tekton-provenance-signer',
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      });
    } catch (err) {
      this.#logger.warn('kubernetes event not recorded', { reason: e.reason, error: String((err as Error).message ?? err).slice(0, 200) });
    }
  }
}
