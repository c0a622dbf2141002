import type { KubeConfig } from '@kubernetes/client-node';
import { KubeEventWriter } from '../../signer/kube/event-writer.ts';
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

/** core/v1 Events with the workload as involvedObject. */
export class KubeEventRecorder implements EventRecorder {
  readonly #events: KubeEventWriter;

  constructor(kc: KubeConfig, logger: Logger) {
    this.#events = new KubeEventWriter(kc, logger, 'tekton-provenance-admission');
  }

  record(e: WorkloadEvent): void {
    this.#events.write(
      {
        namespace: e.namespace,
        involvedObject: { apiVersion: e.apiVersion, kind: e.kind, name: e.name },
        namePrefix: e.name || e.kind.toLowerCase(),
        type: e.type,
        reason: e.reason,
        message: e.message,
      },
      { kind: e.kind, name: e.name },
    );
  }

  flush(): Promise<void> {
    return this.#events.flush();
  }
}
