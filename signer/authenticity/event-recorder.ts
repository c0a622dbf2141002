import type { KubeConfig } from '@kubernetes/client-node';
import { KubeEventWriter } from '../kube/event-writer.ts';
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

/** core/v1 Events about the Trigger (involvedObject), type Warning, reason = our error code. */
export class KubeEventRecorder implements EventRecorder {
  readonly #events: KubeEventWriter;

  constructor(kubeConfig: KubeConfig, logger: Logger) {
    this.#events = new KubeEventWriter(kubeConfig, logger, 'tekton-provenance-signer');
  }

  rejected(e: RejectionEvent): void {
    this.#events.write(
      {
        namespace: e.namespace,
        involvedObject: { apiVersion: 'triggers.tekton.dev/v1beta1', kind: 'Trigger', name: e.triggerName },
        namePrefix: e.triggerName,
        type: 'Warning',
        reason: e.reason,
        message: `event ${e.eventId} rejected: ${e.message}`,
      },
      { eventId: e.eventId },
    );
  }

  flush(): Promise<void> {
    return this.#events.flush();
  }
}
