import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/**
 * A real PostgreSQL for tests: Debian's postgresql 15 (`.ci/run` installs it), a fresh data
 * directory in a temp dir owned by the `postgres` user, listening on 127.0.0.1 on a free port
 * with its unix socket in the temp dir, fsync on (the durability tests kill it). One instance
 * per test file; tests take a database each (`createDatabase`).
 */
export const PG_BIN = process.env.TEKTON_PROVENANCE_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const USER = 'postgres';
export const PG_PASSWORD = 'tp-test-password';

export interface TestPostgres {
  port: number;
  dir: string;
  /** A libpq URL for `database` (with the password in it). */
  url(database: string): string;
  /** The same URL without the password (for tests of the password file). */
  urlWithoutPassword(database: string): string;
  /** Creates a database with a unique name and returns its name. */
  createDatabase(prefix?: string): Promise<string>;
  /** Fast shutdown (SIGINT), waited for. */
  stop(): Promise<void>;
  /** SIGKILL of every process of the server (postmaster and backends), waited for. */
  kill(): Promise<void>;
  /** Starts it again on the same data directory and port. */
  start(): Promise<void>;
  /** Stops it (if running) and removes the data directory. */
  close(): Promise<void>;
}

function requireBinaries(): void {
  for (const b of ['initdb', 'postgres']) {
    if (!existsSync(join(PG_BIN, b))) {
      throw new Error(
        `PostgreSQL test harness: ${join(PG_BIN, b)} is missing; install Debian's postgresql 15 ` +
          '(`apt-get install postgresql`, listed in .ci/run PACKAGES) or set TEKTON_PROVENANCE_PG_BIN',
      );
    }
  }
  if (spawnSync('id', ['-u', USER]).status !== 0) {
    throw new Error(`PostgreSQL test harness: no "${USER}" system user (the postgresql package creates it)`);
  }
}

/** As the postgres user: runuser when we are root, else directly (already that user). */
function asPostgres(cmd: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', USER, '--', cmd, ...args]] : [cmd, args];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

let counter = 0;

/**
 * A data directory initialised once (initdb) under the temp dir and reused by every test
 * file: made in a fresh directory, then renamed into place, so concurrent first runs never
 * see half of one (the loser of the rename removes its own).
 */
function template(uid: number, gid: number): string {
  const path = join(tmpdir(), `tp-pg-template-15-${uid}-v1`);
  if (existsSync(join(path, 'data', 'PG_VERSION'))) return path;
  const tmp = mkdtempSync(join(tmpdir(), 'tp-pg-init-'));
  const pwfile = join(tmp, 'pw');
  writeFileSync(pwfile, PG_PASSWORD);
  chownSync(tmp, uid, gid);
  chownSync(pwfile, uid, gid);
  const [cmd, args] = asPostgres(join(PG_BIN, 'initdb'), [
    '-D', join(tmp, 'data'), '-U', USER, '--auth=scram-sha-256', `--pwfile=${pwfile}`, '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8',
  ]);
  const init = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });
  if (init.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  }
  try {
    renameSync(tmp, path);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another test file made it first
  }
  return path;
}

export async function startPostgres(): Promise<TestPostgres> {
  requireBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'tp-pg-'));
  const data = join(dir, 'data');
  const { uid, gid } = ids();
  chownSync(dir, uid, gid);
  // initdb takes seconds; a cluster initialised once per machine is copied instead.
  const copy = spawnSync('cp', ['-a', join(template(uid, gid), 'data'), data], { encoding: 'utf8' });
  if (copy.status !== 0) throw new Error(`cannot copy the initdb template: ${copy.stderr}`);
  const port = await freePort();
  let child: ChildProcess | undefined;
  let log = '';

  const url = (db: string) => `postgres://${USER}:${PG_PASSWORD}@127.0.0.1:${port}/${db}`;

  async function start(): Promise<void> {
    const [c, a] = asPostgres(join(PG_BIN, 'postgres'), [
      '-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`,
      '-c', 'fsync=on', '-c', 'synchronous_commit=on', '-c', 'max_connections=60', '-c', 'shared_buffers=32MB',
    ]);
    // Its own process group: kill() takes the postmaster and every backend at once.
    child = spawn(c, a, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    child.stderr?.on('data', (d: Buffer) => {
      log = (log + d.toString()).slice(-8000);
    });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}: ${log}`);
      const client = new pg.Client({ connectionString: url('postgres'), connectionTimeoutMillis: 1000 });
      try {
        await client.connect();
        await client.query('SELECT 1');
        await client.end();
        return;
      } catch {
        await client.end().catch(() => undefined);
        await sleep(100);
      }
    }
    throw new Error(`postgres did not accept connections within 30 s: ${log}`);
  }

  async function signal(sig: NodeJS.Signals): Promise<void> {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    if (sig === 'SIGKILL') {
      process.kill(-(c.pid as number), 'SIGKILL');
    } else {
      // The postmaster's pid (runuser forks), for a clean fast shutdown.
      const pidFile = join(data, 'postmaster.pid');
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : NaN;
      if (Number.isInteger(pid) && pid > 0) process.kill(pid, sig);
      else process.kill(-(c.pid as number), sig);
    }
    await Promise.race([exited, sleep(20_000)]);
    if (sig === 'SIGKILL') {
      // Backends of a killed postmaster may linger a moment; a restart needs them gone.
      for (let i = 0; i < 100 && existsSync(join(data, 'postmaster.pid')) && groupAlive(c.pid as number); i++) await sleep(50);
    }
    child = undefined;
  }

  await start();
  return {
    port,
    dir,
    url,
    urlWithoutPassword: (db) => `postgres://${USER}@127.0.0.1:${port}/${db}`,
    async createDatabase(prefix = 'tp') {
      const name = `${prefix}_${process.pid}_${++counter}`;
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return name;
    },
    stop: () => signal('SIGINT'),
    kill: () => signal('SIGKILL'),
    start,
    async close() {
      await signal('SIGINT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function ids(): { uid: number; gid: number } {
  const uid = Number(spawnSync('id', ['-u', USER], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', USER], { encoding: 'utf8' }).stdout.trim());
  return { uid, gid };
}
