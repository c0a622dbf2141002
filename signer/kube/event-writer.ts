import { randomBytes } from 'node:crypto';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { LogFields, Logger } from '../server/logger.ts';

/** One core/v1 Event, as `kubectl get events` / `describe` shows it. */
export interface KubeEvent {
  namespace: string;
  /** The object it is about (in `namespace`). */
  involvedObject: { apiVersion: string; kind: string; name: string };
  /** The Event's name: this (clipped to 200) and a random suffix, as client-go names them. */
  namePrefix: string;
  type: 'Warning' | 'Normal';
  reason: string;
  /** Clipped to 1 KiB. */
  message: string;
}

/** Events being written at once; past it, new ones are dropped (and logged) rather than queued. */
export const MAX_PENDING_EVENTS = 64;

/**
 * Writes Events best-effort and without blocking the caller (the admission webhook's answer
 * to the API server, the signer's to the interceptor): at most MAX_PENDING_EVENTS in flight,
 * a failure only logged, flush() for tests and shutdown. Shared by the signer's refusals
 * (signer/authenticity) and the admission webhook's verdicts (admission/kube).
 */
export class KubeEventWriter {
  readonly #api: CoreV1Api;
  readonly #logger: Logger;
  readonly #component: string;
  readonly #pending = new Set<Promise<void>>();

  constructor(kc: KubeConfig, logger: Logger, component: string) {
    this.#api = kc.makeApiClient(CoreV1Api);
    this.#logger = logger;
    this.#component = component;
  }

  /** `about`: what the log line names when the event is dropped (never a secret). */
  write(event: KubeEvent, about: LogFields): void {
    if (this.#pending.size >= MAX_PENDING_EVENTS) {
      this.#logger.warn('kubernetes event dropped: too many pending', { reason: event.reason, ...about });
      return;
    }
    const p = this.#create(event).finally(() => this.#pending.delete(p));
    this.#pending.add(p);
  }

  /** Resolves when every write started so far has finished. */
  async flush(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  async #create(e: KubeEvent): Promise<void> {
    const now = new Date();
    try {
      await this.#api.createNamespacedEvent({
        namespace: e.namespace,
        body: {
          metadata: { name: `${e.namePrefix.slice(0, 200)}.${randomBytes(8).toString('hex')}`, namespace: e.namespace },
          involvedObject: { ...e.involvedObject, namespace: e.namespace },
          type: e.type,
          reason: e.reason,
          message: e.message.slice(0, 1024),
          source: { component: this.#component },
          reportingComponent: this.#component,
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
