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
  /** `--postgres-url`: libpq URL of the postgres store; its password may come from the next two. */
  postgresUrl?: string;
  /** `TEKTON_PROVENANCE_POSTGRES_PASSWORD_FILE`: a mounted Secret key, read per connection. */
  postgresPasswordFile?: string;
  /** `TEKTON_PROVENANCE_POSTGRES_PASSWORD` (from a Secret through `secretKeyRef`). */
  postgresPassword?: string;
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
  })
  .register('postgres', async (opts) => {
    const { PostgresEventStore } = await import('./postgres.ts');
    if (!opts.postgresUrl)
      throw eventError('STORE_CONFIG', 'the postgres event store needs --postgres-url / TEKTON_PROVENANCE_POSTGRES_URL');
    return PostgresEventStore.open({
      url: opts.postgresUrl,
      ...(opts.postgresPasswordFile ? { passwordFile: opts.postgresPasswordFile } : {}),
      ...(opts.postgresPassword ? { password: opts.postgresPassword } : {}),
    });
  });

/** Opens the store named by config (`sqlite` when unset). */
export async function openEventStore(name: string | undefined, opts: EventStoreOptions): Promise<EventStore> {
  return eventStores.get(name ?? 'sqlite')(opts);
}
