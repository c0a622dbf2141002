/**
 * Server-side apply as one planning step: check ownership (409 on conflicts unless forced),
 * drop the fields this manager stopped applying, merge the applied configuration, and say
 * whether the result is a create or an update. Committing is left to the verbs.
 */
import type { ResourceDef } from '../resources.ts';
import { apiVersionOf } from '../resources.ts';
import { badRequest } from '../status.ts';
import type { KubeObject, StoredObject } from '../types.ts';
import { isPlainObject } from '../types.ts';
import { checkTypeMeta } from '../validation.ts';
import { prepareCreate, prepareUpdate } from '../write-rules.ts';
import { removePath } from './field-paths.ts';
import { takeApplyOwnership } from './managed-fields.ts';
import { applyMergePatch } from './merge-patch.ts';

export type ApplyPlan = { op: 'create'; object: StoredObject } | { op: 'update'; object: StoredObject };

export interface ApplyRequest {
  def: ResourceDef;
  namespace: string | undefined;
  name: string;
  live: StoredObject | undefined;
  body: unknown;
  query: URLSearchParams;
  subresource: string | undefined;
}

export function planApply(req: ApplyRequest): ApplyPlan {
  const { def, live, body } = req;
  if (!isPlainObject(body)) throw badRequest('an apply patch must be an object');
  const fieldManager = req.query.get('fieldManager');
  if (fieldManager === null || fieldManager === '')
    throw badRequest('PATCH with apply must have a fieldManager query parameter');
  checkTypeMeta(def, body, live?.apiVersion);
  const apiVersion = apiVersionOf(def);
  const applied = structuredClone(body);
  const ownership = takeApplyOwnership(
    live,
    applied,
    fieldManager,
    req.query.get('force') === 'true',
    apiVersion,
  );
  if (live === undefined) {
    const meta = isPlainObject(applied.metadata) ? applied.metadata : {};
    const object = prepareCreate(
      def,
      { ...applied, metadata: { ...meta, name: req.name } },
      req.namespace,
      apiVersion,
    );
    ownership.entries(object);
    return { op: 'create', object };
  }
  const base = structuredClone(live) as Record<string, unknown>;
  for (const p of ownership.dropped) removePath(base, p);
  const merged = applyMergePatch(base, stripNulls(applied)) as KubeObject;
  const object = prepareUpdate(def, live, merged, req.subresource);
  ownership.entries(object);
  return { op: 'update', object };
}

/** Apply configurations never delete by null; a null just means "unset in my config". */
function stripNulls(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null) continue;
    out[k] = isPlainObject(v) ? stripNulls(v) : v;
  }
  return out;
}
