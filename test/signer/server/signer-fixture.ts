import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../../signer/events/stores/sqlite.ts';
import type { LocalSigner } from '../../../signer/keys/local.ts';
import { silentLogger, startSignerServer, type Logger, type SignerServer } from '../../../signer/server/index.ts';

export interface TestSigner {
  dir: string;
  socketPath: string;
  store: SqliteEventStore;
  server: SignerServer;
  /** Closes the server and the store and removes the directory (idempotent enough for `finally`). */
  stop(): Promise<void>;
}

/** A real signer server with a SQLite store in a fresh temporary directory. */
export async function startTestSigner(
  signer: LocalSigner,
  opts: { prefix?: string; socketName?: string; logger?: Logger; maxRequestBytes?: number } = {},
): Promise<TestSigner> {
  const dir = mkdtempSync(join(tmpdir(), opts.prefix ?? 'tp-signer-'));
  const socketPath = join(dir, opts.socketName ?? 'signer.sock');
  const store = new SqliteEventStore(join(dir, 'events.db'));
  const server = await startSignerServer({
    socketPath,
    signer,
    store,
    logger: opts.logger ?? silentLogger,
    ...(opts.maxRequestBytes === undefined ? {} : { maxRequestBytes: opts.maxRequestBytes }),
  });
  return {
    dir,
    socketPath,
    store,
    server,
    stop: async () => {
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
