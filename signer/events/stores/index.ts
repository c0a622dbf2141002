import type { KubeConfig } from '@kubernetes/client-node';
import { join } from 'node:path';
import { Registry } from '../../registry.ts';
import type { EventStore } from '../event-store.ts';
import { eventError } from '../errors.ts';

/** Everything a store backend may need; each backend reads only its own fields. */
export interface EventStoreOptions {
  /** Directory for local state; the SQLite default path is `<stateDir>/events.db`. */
  stateDir: string;
  /** `events.store.sqlite.path` */
  sqlitePath?: string;
  /** `events.store.kubernetes.namespace`: where the event Secrets live (the signer's own). */
  namespace?: string;
  /** Cluster access for the kubernetes-secrets store (in-cluster config by default). */
  kubeConfig?: KubeConfig;
}

export type EventStoreFactory = (opts: EventStoreOptions) => Promise<EventStore>;

/** Event store backends by their config name (`events.store`). */
export const eventStores = new Registry<EventStoreFactory>('event store')
  .register('sqlite', async (opts) => {
    const { SqliteEventStore } = await import('./sqlite.ts');
    return new SqliteEventStore(opts.sqlitePath ?? join(opts.stateDir, 'events.db'));
  })
  .register('kubernetes-secrets', async (opts) => {
    const { KubernetesSecretsEventStore } = await import('./kubernetes-secrets.ts');
    if (!opts.namespace)
      throw eventError('STORE_CONFIG', 'the kubernetes-secrets event store needs a namespace');
    return KubernetesSecretsEventStore.create({ namespace: opts.namespace, kubeConfig: opts.kubeConfig });
  });

/** Opens the store named by config (`sqlite` when unset). */
export async function openEventStore(name: string | undefined, opts: EventStoreOptions): Promise<EventStore> {
  return eventStores.get(name ?? 'sqlite')(opts);
}
