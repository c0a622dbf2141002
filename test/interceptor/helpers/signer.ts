import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SqliteEventStore } from '../../../signer/events/stores/sqlite.ts';
import { LocalSigner, PublicKeyVerifier } from '../../../signer/keys/local.ts';
import { FailureLimiter } from '../../../signer/authenticity/rate-limit.ts';
import type { SecretResolver } from '../../../signer/authenticity/secrets/resolver.ts';
import { StaticSecretResolver } from '../../../signer/authenticity/secrets/static.ts';
import { startSignerServer, silentLogger, type Logger, type SignerServer, type SignerServerOptions } from '../../../signer/server/index.ts';
import { STATIC_SECRETS } from './requests.ts';

/** The real sidecar signer (UDS server, P-256 key, SQLite store) in a temporary directory. */
export interface SignerFixture {
  dir: string;
  socketPath: string;
  store: SqliteEventStore;
  signer: LocalSigner;
  verifier: PublicKeyVerifier;
  privateKeyPem: string;
  dbPath: string;
  /** Rows in the SQLite file, read through a separate connection. */
  storedCount(): number;
  /** Stops the server (the socket disappears): the signer is unreachable. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

/** The signer checks webhook authenticity itself: by default with the tests' static secrets. */
export async function startSignerFixture(
  logger: Logger = silentLogger,
  secrets: SecretResolver = new StaticSecretResolver(STATIC_SECRETS),
  extra: Partial<SignerServerOptions> = {},
): Promise<SignerFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'tp-interceptor-'));
  const dbPath = join(dir, 'events.db');
  const socketPath = join(dir, 'signer.sock');
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signer = new LocalSigner(privateKey);
  const store = new SqliteEventStore(dbPath);
  // Many deliberate failures from 127.0.0.1: the rate limit has its own tests (test/security).
  const limiter = new FailureLimiter({ burst: 100_000 });
  let server: SignerServer | undefined = await startSignerServer({ socketPath, signer, store, logger, secrets, limiter, ...extra });
  const stop = async () => {
    await server?.close();
    server = undefined;
  };
  return {
    dir,
    socketPath,
    store,
    signer,
    verifier: new PublicKeyVerifier(signer.publicKey),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    dbPath,
    storedCount() {
      const db = new DatabaseSync(dbPath, { readOnly: true });
      try {
        return Number((db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n);
      } finally {
        db.close();
      }
    },
    stop,
    async close() {
      await stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
