/**
 * list: selectors, then `limit`/`continue` pagination in a stable namespace/name order. The
 * continue token carries the list's resourceVersion; one older than the history is 410.
 */
import { apiVersionOf } from './resources.ts';
import { selectorFromQuery } from './selectors.ts';
import { badRequest, expired } from './status.ts';
import type { ObjectStore } from './store.ts';
import type { StoredObject } from './types.ts';
import { isPlainObject } from './types.ts';
import type { Target } from './verbs.ts';

export interface ObjectList {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: StoredObject[];
}

export function listObjects(store: ObjectStore, t: Target, query: URLSearchParams): ObjectList {
  const matches = selectorFromQuery(query);
  let items = store.list(t.def.storage, t.namespace).filter(matches);
  let rv = store.resourceVersion;
  const token = query.get('continue');
  if (token !== null && token !== '') {
    const parsed = decodeContinue(token);
    if (parsed.rv < store.compactedResourceVersion) {
      throw expired(
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
      );
    }
    rv = parsed.rv;
    items = items.filter((o) => itemKey(o) > parsed.after);
  }
  const list: ObjectList = {
    apiVersion: apiVersionOf(t.def),
    kind: `${t.def.kind}List`,
    metadata: { resourceVersion: String(rv) },
    items,
  };
  const limit = Number(query.get('limit') ?? '0');
  if (Number.isInteger(limit) && limit > 0 && items.length > limit) {
    list.items = items.slice(0, limit);
    const last = list.items[list.items.length - 1];
    if (last !== undefined) list.metadata.continue = encodeContinue(rv, itemKey(last));
    list.metadata.remainingItemCount = items.length - limit;
  }
  return list;
}

function itemKey(o: StoredObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

function encodeContinue(rv: number, after: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: after })).toString('base64url');
}

function decodeContinue(token: string): { rv: number; after: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (isPlainObject(parsed) && typeof parsed.rv === 'number' && typeof parsed.start === 'string')
      return { rv: parsed.rv, after: parsed.start };
  } catch {
    // fall through to the error below
  }
  throw badRequest(
    'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
  );
}
