import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { jsonLogger as interceptorLogger } from '../../../interceptor/index.ts';
import { StaticSecretResolver } from '../../authenticity/secrets/static.ts';
import type { RunningInterceptor } from '../../../interceptor/index.ts';
import { EXIT_OK, UsageError, type CliIO, type Command } from '../command.ts';
import { parseFlags, stringFlag } from '../flags.ts';
import { SqliteEventStore } from '../../events/stores/sqlite.ts';
import type { Signer } from '../../keys/signer.ts';
import { jsonLogger } from '../../server/logger.ts';
import { ensureDevKey, writePublicKey } from '../../main/dev-key.ts';
import { interceptorService } from '../../main/interceptor-service.ts';
import { loadSignerRef } from '../../main/load-key.ts';
import { sourceNameOf } from '../../keys/sources.ts';
import { startServices } from '../../main/services.ts';
import { acquireStateLock } from '../../main/state-lock.ts';
import { ProvenanceError } from '../../errors.ts';
import { eventSignerService } from '../../main/signer-service.ts';
import { loadStaticSecrets } from '../../main/static-secrets.ts';

const HELP = `tkn-provenance serve: run the interceptor and the signer on embedded defaults (no cluster)

Usage:
  tkn-provenance serve [--port 8443] [--host 127.0.0.1] [--state-dir ./.state] [--key REF] [--secrets FILE]

Starts the event-signing interceptor (HTTPS, a generated local CA) and the signer (a local
socket, SQLite event store) in one process, so an InterceptorRequest POSTed with curl comes
back signed. Prints the URL, the CA to trust, the public key and a curl example.
SIGINT/SIGTERM finish in-flight requests and stop.

Flags:
  --port N           HTTPS port (default 8443; 0 picks a free one, printed)
  --host ADDR        listen address (default 127.0.0.1)
  --state-dir DIR    dev key, TLS files, event store, socket (default ./.state)
  --key REF          signing key instead of the generated dev key <state-dir>/signing-key.pem:
                     a PEM or cosign key file, a Chains signing-secrets directory, or a KMS URI
  --secrets FILE     webhook secrets for provider github/gitlab/bitbucket, JSON or YAML:
                     {"<secretName>": {"<secretKey>": "value"}} or {"<secretName>/<secretKey>": "value"}

Example:
  npm start                       # = tkn-provenance serve
  tkn-provenance serve --port 0 --secrets secrets.yaml
`;

const FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'state-dir': { type: 'string' },
  key: { type: 'string' },
  secrets: { type: 'string' },
} as const;

const command: Command = {
  name: 'serve',
  summary: 'run the interceptor and the signer on embedded defaults',
  help: HELP,
  async run(argv, io) {
    const { values } = parseFlags(argv, FLAGS, { maxPositionals: 0 });
    const port = parsePort(stringFlag(values, 'port') ?? '8443');
    const host = stringFlag(values, 'host') ?? '127.0.0.1';
    const stateDir = resolve(io.cwd, stringFlag(values, 'state-dir') ?? '.state');
    const secretsFile = stringFlag(values, 'secrets');
    const secrets = new StaticSecretResolver(
      secretsFile ? loadStaticSecrets(resolve(io.cwd, secretsFile)) : {},
    );
    // Creates the state dir, and refuses before touching the socket another serve owns.
    const lock = acquireStateLock(stateDir);
    try {
      return await serveIn(stateDir, { host, port, secrets, keyRef: stringFlag(values, 'key') }, io);
    } finally {
      lock.release();
    }
  },
};
export default command;

async function serveIn(
  stateDir: string,
  opts: { host: string; port: number; secrets: StaticSecretResolver; keyRef: string | undefined },
  io: CliIO,
): Promise<number> {
  const { host, port, secrets } = opts;
  const { signer, publicKeyPath } = await signingKey(opts.keyRef, stateDir, io);
  const socketPath = socketPathIn(stateDir);
  const storePath = join(stateDir, 'events.db');
  const caPath = join(stateDir, 'ca.pem');
  const log = jsonLogger('signer', io.stderr);
  let interceptor: RunningInterceptor | undefined;
  const running = await startServices(
    [
      eventSignerService({
        socketPath,
        signer,
        logger: log,
        openStore: async () => new SqliteEventStore(storePath),
        // The signer checks webhook authenticity itself, with these secrets (any namespace).
        secrets,
      }),
      interceptorService(
        {
          host,
          port,
          signerSocket: socketPath,
          tls: { kind: 'directory', dir: join(stateDir, 'tls') },
          logger: interceptorLogger((line) => io.stderr.write(line)),
          shutdownGraceMs: 5_000,
        },
        (i) => (interceptor = i),
      ),
    ],
    log,
  ).catch((err: unknown) => {
    throw portInUse(err, host, port) ?? err;
  });
  const started = interceptor as RunningInterceptor | undefined;
  if (!started) throw new Error('interceptor did not start');
  writeFileSync(caPath, started.caCert() ?? '', { mode: 0o644 });
  printBanner(io, { url: started.url, caPath, publicKeyPath, storePath, socketPath, keyid: signer.keyid });
  await untilSignalled(log);
  await running.stop();
  return EXIT_OK;
}

/** EADDRINUSE as the user needs it: which address, and what to do. */
function portInUse(err: unknown, host: string, port: number): ProvenanceError | undefined {
  if ((err as NodeJS.ErrnoException)?.code !== 'EADDRINUSE') return undefined;
  return new ProvenanceError(
    'PORT_IN_USE',
    `${host}:${port} is already in use (another serve?); choose another --port, or --port 0 for a free one`,
    { cause: err },
  );
}

function parsePort(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new UsageError(`--port must be 0-65535, got ${text}`);
  return n;
}

async function signingKey(ref: string | undefined, stateDir: string, io: CliIO) {
  if (ref === undefined) return ensureDevKey(stateDir);
  const signer: Signer = await loadSignerRef(
    sourceNameOf(ref) === 'file' ? resolve(io.cwd, ref) : ref,
    io.env,
  );
  const publicKeyPath = join(stateDir, 'signing-key-from-ref.pub');
  writePublicKey(publicKeyPath, signer);
  return { signer, publicKeyPath };
}

/** Unix socket paths are limited to ~107 bytes: fall back to the temp dir for deep state dirs. */
function socketPathIn(stateDir: string): string {
  const inState = join(stateDir, 'signer.sock');
  return Buffer.byteLength(inState) <= 100 ? inState : join(tmpdir(), `tkn-provenance-${process.pid}.sock`);
}

function untilSignalled(log: ReturnType<typeof jsonLogger>): Promise<void> {
  return new Promise((done) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      log.info('shutting down', { signal });
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

interface Banner {
  url: string;
  caPath: string;
  publicKeyPath: string;
  storePath: string;
  socketPath: string;
  keyid: string;
}

function printBanner(io: CliIO, b: Banner): void {
  const rel = (p: string) => (relative(io.cwd, p).startsWith('..') ? p : relative(io.cwd, p) || '.');
  const request = {
    body: '{"ref":"refs/heads/main","after":"6113728f27ae82c7b1a177c8d03f9e96e0adf246"}',
    header: { 'Content-Type': ['application/json'], 'X-Github-Event': ['push'] },
    interceptor_params: { provider: 'none', checkedBy: 'curl-demo', method: 'none (local demo)' },
    context: { event_url: '/', event_id: randomUUID(), trigger_id: 'namespaces/default/triggers/demo' },
  };
  io.stdout.write(`tkn-provenance serve: interceptor listening on ${b.url}
  CA certificate (curl --cacert): ${rel(b.caPath)}
  public key (verify-event --key): ${rel(b.publicKeyPath)}   keyid ${b.keyid}
  event store (SQLite):           ${rel(b.storePath)}
  signer socket:                  ${rel(b.socketPath)}

Try it:
  curl --cacert ${rel(b.caPath)} -H 'Content-Type: application/json' ${b.url}/ \\
    -d '${JSON.stringify(request)}'
Then verify what was stored (the event's record, from the SQLite store):
  tkn-provenance verify-event --key ${rel(b.publicKeyPath)} --event-id ${request.context.event_id} --store ${rel(b.storePath)}
  (or fetch it: curl -s --unix-socket ${rel(b.socketPath)} http://signer/v1/events/${request.context.event_id})
`);
}
