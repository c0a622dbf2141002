import { KubeConfig } from '@kubernetes/client-node';
import { hostname } from 'node:os';
import { loadConfig } from '../config/source.ts';
import type { EventStore } from '../events/event-store.ts';
import type { Service } from '../main/services.ts';
import type { Logger } from '../server/logger.ts';
import { reuseConnections } from './kube/connections.ts';
import { attestationSigner, type ProcessKey } from './attestation-key.ts';
import { AttestationController, type ControllerOptions } from './controller.ts';
import { SqliteSigningJournal } from './journal/sqlite.ts';

export interface ControllerServiceOptions {
  /** The controller's namespace (POD_NAMESPACE). */
  namespace: string;
  /** Lease identity (POD_NAME); defaults to the host name. */
  identity?: string;
  /** In-cluster config unless a kubeconfig is given (KUBECONFIG). */
  kubeconfigPath?: string;
  /** The event store the controller looks trigger events up in, owned (and closed) by the caller... */
  eventStore?: EventStore;
  /** ...or opened here and closed on stop. One of the two is required. */
  openStore?(): Promise<EventStore>;
  log: Logger;
  /** The process's signing key: signs attestations unless the ConfigMap names another (attestation-key.ts). */
  processKey?: ProcessKey;
  lease?: Pick<ControllerOptions, 'leaseDurationMs' | 'leaseRetryMs'>;
  /**
   * The signing journal's file (`<state-dir>/attestation-journal.db`): a retry after a restart
   * replays the envelope already signed and logged. Unset: kept in memory (lost on restart).
   */
  journalPath?: string;
  /** Called with the running controller (the metrics endpoint reads its registry). */
  onStarted?(controller: AttestationController): void;
}

/** The controller as one of the signer process's services (signer/main/signer.ts). */
export function attestationControllerService(o: ControllerServiceOptions): Service {
  return {
    name: 'attestation-controller',
    async start() {
      const kc = new KubeConfig();
      if (o.kubeconfigPath) kc.loadFromFile(o.kubeconfigPath);
      else kc.loadFromDefault();
      reuseConnections(kc);
      const config = await loadConfig(kc, o.namespace); // invalid config: the process refuses to start
      const owned = o.eventStore === undefined;
      const store = o.eventStore ?? (await o.openStore?.());
      if (!store) throw new Error('attestationControllerService needs eventStore or openStore');
      let journal: SqliteSigningJournal | undefined;
      const closeStore = async (): Promise<void> => {
        journal?.close();
        if (owned) await store.close();
      };
      let controller: AttestationController;
      try {
        journal = o.journalPath ? new SqliteSigningJournal(o.journalPath) : undefined;
        controller = await AttestationController.start({
          ...(journal ? { journal } : {}),
          kc, namespace: o.namespace, identity: o.identity ?? hostname(), config,
          loadSigner: (c) => attestationSigner(c, o.processKey),
          events: {
            byId: (id) => store.getByEventId(id), byDigest: (d) => store.getByDigest(d),
            ...(store.markAttested ? { markAttested: (id: string, uid: string, at: Date) => store.markAttested?.(id, uid, at) ?? Promise.resolve(false) } : {}),
          },
          log: o.log, ...o.lease,
        });
      } catch (err) {
        await closeStore();
        throw err;
      }
      o.onStarted?.(controller);
      return { stop: async () => { await controller.stop(); await closeStore(); } };
    },
  };
}
