import { randomBytes } from 'node:crypto';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../../signer/server/logger.ts';

/** What a review decided about a workload, as `kubectl describe` / `get events` shows it. */
export interface WorkloadEvent {
  namespace: string;
  apiVersion: string;
  kind: string;
  name: string;
  /** `Warning` for denials and warn-mode findings. */
  type: 'Warning' | 'Normal';
  /** `ImageNotVerified` (denied) or `ImageVerificationWarning` (warn mode). */
  reason: string;
  message: string;
}

export interface EventRecorder {
  /** Best-effort and non-blocking: the answer to the API server never waits on it. */
  record(event: WorkloadEvent): void;
  flush(): Promise<void>;
}

export const noEventRecorder: EventRecorder = { record: () => undefined, flush: async () => undefined };

const MAX_PENDING = 64;

/** core/v1 Events with the workload as involvedObject. */
export class KubeEventRecorder implements EventRecorder {
  readonly #api: CoreV1Api;
  readonly #logger: Logger;
  readonly #pending = new Set<Promise<void>>();

  constructor(kc: KubeConfig, logger: Logger) {
    this.#api = kc.makeApiClient(CoreV1Api);
    this.#logger = logger;
  }

  record(event: WorkloadEvent): void {
    if (this.#pending.size >= MAX_PENDING) {
      this.#logger.warn('kubernetes event dropped: too many pending', { reason: event.reason, kind: event.kind, name: event.name });
      return;
    }
    const p = this.#create(event).finally(() => this.#pending.delete(p));
    this.#pending.add(p);
  }

  async flush(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  async #create(e: WorkloadEvent): Promise<void> {
    const now = new Date();
    try {
      await this.#api.createNamespacedEvent({
        namespace: e.namespace,
        body: {
          metadata: { name: `${(e.name || e.kind.toLowerCase()).slice(0, 200)}.${randomBytes(8).toString('hex')}`, namespace: e.namespace },
          involvedObject: { apiVersion: e.apiVersion, kind: e.kind, name: e.name, namespace: e.namespace },
          type: e.type,
          reason: e.reason,
          message: e.message.slice(0, 1024),
          source: { component: 'tekton-provenance-admission' },
          reportingComponent: 'tekton-provenance-admission',
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
