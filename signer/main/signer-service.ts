import type { EventRecorder } from '../authenticity/event-recorder.ts';
import type { SecretResolver } from '../authenticity/secrets/resolver.ts';
import type { EventStore } from '../events/event-store.ts';
import type { Signer } from '../keys/signer.ts';
import type { IdentitySource } from '../keyless/signing-identity.ts';
import type { SignedEventRecord } from '../events/event-record.ts';
import type { Logger } from '../server/logger.ts';
import { startSignerServer } from '../server/index.ts';
import type { Service } from './services.ts';

export interface EventSignerServiceOptions {
  socketPath: string;
  signer: Signer | IdentitySource;
  /** Each new durable record (the event uploader's wake-up). */
  onCreated?: (record: SignedEventRecord) => void;
  logger: Logger;
  /** A store owned (and closed) by the caller, e.g. shared with the attestation controller... */
  store?: EventStore;
  /** ...or opened here and closed on stop. One of the two is required. */
  openStore?: () => Promise<EventStore>;
  /** Webhook secrets the signer checks authenticity with (labelled Secrets, or a static file). */
  secrets?: SecretResolver;
  /** Kubernetes Events for the refusals the signer makes. */
  events?: EventRecorder;
}

/** The event-signing socket as a Service. */
export function eventSignerService(opts: EventSignerServiceOptions): Service {
  return {
    name: 'event-signer',
    async start() {
      const owned = opts.store === undefined;
      const store = opts.store ?? (await opts.openStore?.());
      if (!store) throw new Error('eventSignerService needs store or openStore');
      const closeStore = async () => {
        if (owned) await store.close();
      };
      try {
        const server = await startSignerServer({ ...opts, store });
        return {
          async stop() {
            await server.close(); // finishes in-flight requests first
            await closeStore();
          },
        };
      } catch (err) {
        await closeStore();
        throw err;
      }
    },
  };
}
