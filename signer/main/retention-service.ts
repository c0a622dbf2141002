import type { EventStore } from '../events/event-store.ts';
import type { RetentionPolicy } from '../events/retention/policy.ts';
import { RetentionPruner } from '../events/retention/pruner.ts';
import type { Logger } from '../server/logger.ts';
import type { Service } from './services.ts';

/** Event-store retention as a Service: the pruner's timer, stopped before the store closes. */
export function retentionService(store: EventStore, policy: RetentionPolicy, log: Logger, onStarted?: (p: RetentionPruner) => void): Service {
  return {
    name: 'event-retention',
    async start() {
      const pruner = new RetentionPruner(store, policy, log);
      pruner.start();
      onStarted?.(pruner);
      return { stop: () => pruner.stop() };
    },
  };
}
