import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { EventStore } from '../event-store.ts';
import { eventError } from '../errors.ts';

export interface StoreRefOptions {
  cwd: string;
  /** kubeconfig file for `k8s://` (default: KUBECONFIG / in-cluster). */
  kubeconfig?: string | undefined;
  env: NodeJS.ProcessEnv;
  /** A SQLite path that does not exist yet is created (a copy's target); otherwise it is an error. */
  create?: boolean;
  /** An existing SQLite file is opened read-write (events prune); otherwise read-only. */
  writes?: boolean;
}

const K8S = /^(?:k8s|kubernetes-secrets):\/\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)$/;

/**
 * An event store named on the command line: `postgres://...` (libpq URL; the password may
 * come from TEKTON_PROVENANCE_POSTGRES_PASSWORD_FILE or PGPASSWORD instead of the URL),
 * `k8s://NAMESPACE` (also `kubernetes-secrets://`, through the kubeconfig), or a SQLite file path.
 */
export async function openStoreRef(ref: string, o: StoreRefOptions): Promise<EventStore> {
  if (/^postgres(ql)?:\/\//.test(ref)) {
    const { PostgresEventStore } = await import('./postgres.ts');
    const passwordFile = o.env.TEKTON_PROVENANCE_POSTGRES_PASSWORD_FILE;
    const password = o.env.TEKTON_PROVENANCE_POSTGRES_PASSWORD ?? o.env.PGPASSWORD;
    return PostgresEventStore.open({ url: ref, ...(passwordFile ? { passwordFile } : password ? { password } : {}) });
  }
  const k8s = K8S.exec(ref);
  if (k8s) {
    const { KubernetesSecretsEventStore } = await import('./kubernetes-secrets.ts');
    const kubeConfig = new KubeConfig();
    if (o.kubeconfig) kubeConfig.loadFromFile(o.kubeconfig);
    else kubeConfig.loadFromDefault();
    return KubernetesSecretsEventStore.create({ namespace: k8s[1] as string, kubeConfig });
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(ref)) {
    throw eventError('STORE_CONFIG', `unknown event store "${ref}" (a SQLite path, postgres://... or k8s://NAMESPACE)`);
  }
  const path = resolve(o.cwd, ref);
  if (!o.create && !existsSync(path)) throw eventError('STORE_CONFIG', `${ref}: no such event store file`);
  const { SqliteEventStore } = await import('./sqlite.ts');
  // A tool opening an existing store is a reader (no marker, no chmod); one creating a store owns it.
  return new SqliteEventStore(path, { reader: !o.create, ...(o.writes ? { writes: true } : {}) });
}
