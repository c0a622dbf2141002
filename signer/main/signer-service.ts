import type { EventStore } from '../events/event-store.ts';
import type { Signer } from '../keys/signer.ts';
import type { Logger } from '../server/logger.ts';
import { startSignerServer } from '../server/index.ts';
import type { Service } from './services.ts';

/** The event-signing socket as a Service; it owns the store and closes it last. */
export function eventSignerService(opts: {
  socketPath: string;
  signer: Signer;
  openStore: () => Promise<EventStore>;
  logger: Logger;
}): Service {
  return {
    name: 'event-signer',
    async start() {
      const store = await opts.openStore();
      try {
        const server = await startSignerServer({ ...opts, store });
        return {
          async stop() {
            await server.close(); // finishes in-flight requests first
            await store.close();
          },
        };
      } catch (err) {
        await store.close();
        throw err;
      }
    },
  };
}
