import { resolve } from 'node:path';
import type { CliIO } from '../../command.ts';
import { stringFlag, type Flags } from '../../flags.ts';
import type { EventStore, EventSummary } from '../../../events/event-store.ts';
import { eventError } from '../../../events/errors.ts';
import { openStoreRef } from '../../../events/stores/store-ref.ts';

/** Flags every events subcommand takes. */
export const STORE_FLAGS = {
  store: { type: 'string' },
  kubeconfig: { type: 'string' },
} as const;

/** Opens `--store` (or another flag naming a store) to read, write (prune) or create (a copy's target); closed after `fn`. */
export async function withStore<T>(values: Flags, io: CliIO, fn: (s: EventStore) => Promise<T>, flag = 'store', access: 'read' | 'write' | 'create' = 'read'): Promise<T> {
  const ref = stringFlag(values, flag, true);
  const kubeconfig = typeof values.kubeconfig === 'string' ? resolve(io.cwd, values.kubeconfig) : io.env.KUBECONFIG;
  const store = await openStoreRef(ref, { cwd: io.cwd, kubeconfig, env: io.env, create: access === 'create', writes: access === 'write' });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Every record summary, a page at a time (bounded: at most `max`). */
export async function* summaries(store: EventStore, max = 10_000_000): AsyncGenerator<EventSummary> {
  if (!store.list) throw eventError('STORE_CONFIG', 'this event store cannot list its records');
  let cursor: string | undefined;
  let seen = 0;
  for (let page = 0; page < max; page++) {
    const { items, next } = await store.list(cursor, 200);
    for (const s of items) {
      if (seen++ >= max) return;
      yield s;
    }
    if (!next) return;
    cursor = next;
  }
}
