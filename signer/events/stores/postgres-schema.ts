import type pg from 'pg';

/**
 * The PostgreSQL store's schema, as numbered migrations applied in order at start-up. Each
 * runs once, in the same transaction as its row in `tekton_provenance_migrations`, under a
 * transaction-scoped advisory lock, so replicas starting together never race (the second
 * waits, then finds nothing to do). Never edit a released migration: add the next one.
 */
export const MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
CREATE TABLE tekton_provenance_events (
  event_id     text PRIMARY KEY,
  digest       text NOT NULL,
  trigger_id   text NOT NULL,
  keyid        text NOT NULL,
  stored_at    text NOT NULL,          -- the record's storedAt, verbatim
  stored_ts    timestamptz NOT NULL,   -- the same instant, for retention
  payload_type text NOT NULL,
  payload      bytea NOT NULL,         -- the statement bytes (the envelope's payload decoded)
  payload_text text,                   -- set only when the payload is not canonical base64: used verbatim
  signatures   text NOT NULL,          -- the DSSE signatures as JSON, verbatim
  bytes        integer NOT NULL,
  attested_at  timestamptz,
  attested_run text
);
CREATE INDEX tekton_provenance_events_digest ON tekton_provenance_events (digest);
CREATE INDEX tekton_provenance_events_attested ON tekton_provenance_events (attested_at) WHERE attested_at IS NOT NULL;
CREATE INDEX tekton_provenance_events_unclaimed ON tekton_provenance_events (stored_ts) WHERE attested_at IS NULL;
`,
  },
];

/** Any fixed 64-bit number, the same in every replica: the key of the migration lock. */
const LOCK_KEY = 7_305_226_051_120_401n;

/** Creates or migrates the schema; returns the version the database is at. */
export async function migrate(client: pg.ClientBase): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY.toString()]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS tekton_provenance_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM tekton_provenance_migrations');
    const current = rows[0]?.v ?? 0;
    const latest = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
    if (current > latest) {
      throw new Error(`the database schema is at version ${current}, newer than this signer knows (${latest})`);
    }
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO tekton_provenance_migrations (version) VALUES ($1)', [m.version]);
    }
    await client.query('COMMIT');
    return latest;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
