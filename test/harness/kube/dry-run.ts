/** dryRun=All: requests are validated and answered as if written; nothing is stored. */
import { badRequest } from './status.ts';
import type { StoredObject } from './types.ts';
import { hasFinalizers, isBeingDeleted, timestamp } from './write-rules.ts';

/** `dryRun=All`: validate and answer as if written, store nothing. Other values are 400. */
export function isDryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun').filter((v) => v !== '');
  for (const v of values)
    if (v !== 'All') throw badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  return values.length > 0;
}

/** What a delete would answer, without deleting. */
export function dryRunDelete(live: StoredObject): StoredObject {
  if (!hasFinalizers(live) || isBeingDeleted(live)) return live;
  const next = structuredClone(live);
  next.metadata.deletionTimestamp = timestamp();
  return next;
}
