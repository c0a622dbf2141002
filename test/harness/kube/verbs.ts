/**
 * The REST verbs with apiserver semantics, independent of HTTP: get, list (selectors and
 * pagination), create, update (optimistic concurrency), patch (four types), delete (finalizers).
 */
import { takeApplyOwnership, recordUpdate } from './patch/managed-fields.ts';
import { removePath } from './patch/field-paths.ts';
import { applyPatch, parsePatchBody, patchKind } from './patch/index.ts';
import { applyMergePatch } from './patch/merge-patch.ts';
import { apiVersionOf } from './resources.ts';
import type { ResourceDef } from './resources.ts';
import { selectorFromQuery } from './selectors.ts';
import { alreadyExists, badRequest, conflict, expired, invalid, KubeApiError, notFound } from './status.ts';
import type { ObjectStore } from './store.ts';
import type { KubeObject, StoredObject } from './types.ts';
import { isPlainObject } from './types.ts';
import { hasFinalizers, isBeingDeleted, isNoop, prepareCreate, prepareUpdate, timestamp } from './write-rules.ts';

export interface Target {
  def: ResourceDef;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export interface WriteContext {
  query: URLSearchParams;
  /** Field manager for managedFields: the fieldManager parameter or derived from User-Agent. */
  manager: string;
}

export interface ObjectList {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: StoredObject[];
}

function requireName(t: Target): string {
  if (t.name === undefined) throw new KubeApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  return t.name;
}

export class Verbs {
  readonly #store: ObjectStore;

  constructor(store: ObjectStore) {
    this.#store = store;
  }

  get(t: Target): StoredObject {
    const name = requireName(t);
    const obj = this.#store.get(t.def.storage, t.namespace, name);
    if (obj === undefined) throw notFound(t.def.resource, t.def.group, name);
    return obj;
  }

  exists(t: Target): boolean {
    return t.name !== undefined && this.#store.get(t.def.storage, t.namespace, t.name) !== undefined;
  }

  list(t: Target, query: URLSearchParams): ObjectList {
    const matches = selectorFromQuery(query);
    let items = this.#store.list(t.def.storage, t.namespace).filter(matches);
    let rv = this.#store.resourceVersion;
    const token = query.get('continue');
    if (token !== null && token !== '') {
      const parsed = decodeContinue(token);
      if (parsed.rv < this.#store.compactedResourceVersion) {
        throw expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
      }
      rv = parsed.rv;
      items = items.filter((o) => itemKey(o) > parsed.after);
    }
    const list: ObjectList = { apiVersion: apiVersionOf(t.def), kind: `${t.def.kind}List`, metadata: { resourceVersion: String(rv) }, items };
    const limit = Number(query.get('limit') ?? '0');
    if (Number.isInteger(limit) && limit > 0 && items.length > limit) {
      list.items = items.slice(0, limit);
      const last = list.items[list.items.length - 1];
      if (last !== undefined) list.metadata.continue = encodeContinue(rv, itemKey(last));
      list.metadata.remainingItemCount = items.length - limit;
    }
    return list;
  }

  create(t: Target, body: KubeObject, ctx: WriteContext): StoredObject {
    if (t.def.namespaced && t.namespace === undefined) throw badRequest(`${t.def.resource} is namespaced: create it under /namespaces/<namespace>/`);
    checkTypeMeta(t.def, body);
    const obj = prepareCreate(t.def, body, t.namespace, apiVersionOf(t.def));
    if (this.#store.get(t.def.storage, obj.metadata.namespace, obj.metadata.name) !== undefined) {
      throw alreadyExists(t.def.resource, t.def.group, obj.metadata.name);
    }
    recordUpdate(undefined, obj, ctx.manager);
    return this.#store.commit('ADDED', t.def.storage, obj);
  }

  update(t: Target, body: KubeObject, ctx: WriteContext): StoredObject {
    const live = this.get(t);
    if (!isPlainObject(body)) throw badRequest('the request body must be a JSON object');
    checkTypeMeta(t.def, body, live.apiVersion);
    const wanted = body.metadata?.resourceVersion;
    if (wanted === undefined || wanted === '') {
      if (t.def.crd) {
        throw invalid(t.def.kind, t.def.group, live.metadata.name, [{ reason: 'FieldValueInvalid', field: 'metadata.resourceVersion', message: 'Invalid value: 0x0: must be specified for an update' }]);
      }
    } else if (wanted !== live.metadata.resourceVersion) {
      throw conflict(t.def.resource, t.def.group, live.metadata.name);
    }
    if (body.metadata?.name !== undefined && body.metadata.name !== live.metadata.name) {
      throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${live.metadata.name})`);
    }
    return this.#write(t, live, prepareUpdate(t.def, live, body, t.subresource), ctx.manager);
  }

  patch(t: Target, contentType: string | undefined, raw: string, ctx: WriteContext): StoredObject {
    const kind = patchKind(contentType);
    const body = parsePatchBody(kind, raw);
    if (kind === 'apply') return this.#apply(t, body, ctx);
    const live = this.get(t);
    const patched = applyPatch(kind, live, body) as KubeObject;
    if (!isPlainObject(patched)) throw badRequest('the patch did not produce an object');
    if (patched.metadata?.resourceVersion !== undefined && patched.metadata.resourceVersion !== live.metadata.resourceVersion) {
      throw conflict(t.def.resource, t.def.group, live.metadata.name);
    }
    return this.#write(t, live, prepareUpdate(t.def, live, patched, t.subresource), ctx.manager);
  }

  delete(t: Target, body: KubeObject | undefined): StoredObject | KubeObject {
    const live = this.get(t);
    const pre = isPlainObject(body?.preconditions) ? body.preconditions : {};
    if ((pre.resourceVersion !== undefined && pre.resourceVersion !== live.metadata.resourceVersion) || (pre.uid !== undefined && pre.uid !== live.metadata.uid)) {
      throw conflict(t.def.resource, t.def.group, live.metadata.name);
    }
    if (hasFinalizers(live)) {
      if (isBeingDeleted(live)) return live;
      const next = structuredClone(live);
      next.metadata.deletionTimestamp = timestamp();
      next.metadata.deletionGracePeriodSeconds = 0;
      return this.#store.commit('MODIFIED', t.def.storage, next, live);
    }
    const gone = this.#store.commit('DELETED', t.def.storage, live, live);
    if (t.def.crd) return gone;
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: live.metadata.name, group: t.def.group, kind: t.def.resource, uid: live.metadata.uid } };
  }

  /** Server-side apply: ownership and conflicts, then merge, then the usual update rules. */
  #apply(t: Target, body: unknown, ctx: WriteContext): StoredObject {
    if (!isPlainObject(body)) throw badRequest('an apply patch must be an object');
    const fieldManager = ctx.query.get('fieldManager');
    if (fieldManager === null || fieldManager === '') throw badRequest('PATCH with apply must have a fieldManager query parameter');
    const force = ctx.query.get('force') === 'true';
    const name = requireName(t);
    const live = this.#store.get(t.def.storage, t.namespace, name);
    checkTypeMeta(t.def, body);
    const apiVersion = apiVersionOf(t.def);
    const applied = structuredClone(body);
    const ownership = takeApplyOwnership(live, applied, fieldManager, force, apiVersion);
    if (live === undefined) {
      const meta = isPlainObject(applied.metadata) ? applied.metadata : {};
      const obj = prepareCreate(t.def, { ...applied, metadata: { ...meta, name } }, t.namespace, apiVersion);
      ownership.entries(obj);
      return this.#store.commit('ADDED', t.def.storage, obj);
    }
    const base = structuredClone(live) as Record<string, unknown>;
    for (const p of ownership.dropped) removePath(base, p);
    const merged = applyMergePatch(base, stripNulls(applied)) as KubeObject;
    const next = prepareUpdate(t.def, live, merged, t.subresource);
    if (isNoop(live, next)) return live;
    ownership.entries(next);
    return this.#commitUpdate(t, live, next);
  }

  #write(t: Target, live: StoredObject, next: StoredObject, manager: string): StoredObject {
    if (isNoop(live, next)) return live;
    recordUpdate(live, next, manager, t.subresource);
    return this.#commitUpdate(t, live, next);
  }

  /** An update that removes the last finalizer of an object being deleted completes the delete. */
  #commitUpdate(t: Target, live: StoredObject, next: StoredObject): StoredObject {
    if (isBeingDeleted(next) && !hasFinalizers(next)) return this.#store.commit('DELETED', t.def.storage, next, live);
    return this.#store.commit('MODIFIED', t.def.storage, next, live);
  }
}

/**
 * The apiserver decodes a body as the URL's group/version/kind; a different one is 400. Since
 * this server does not convert between versions, the stored object's apiVersion is accepted too.
 */
function checkTypeMeta(def: ResourceDef, body: KubeObject, storedApiVersion?: string): void {
  const expected = apiVersionOf(def);
  if (body.apiVersion !== undefined && body.apiVersion !== expected && body.apiVersion !== storedApiVersion) {
    throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${expected})`);
  }
  if (body.kind !== undefined && body.kind !== def.kind) {
    throw badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (${def.kind})`);
  }
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

function itemKey(o: StoredObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

function encodeContinue(rv: number, after: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: after })).toString('base64url');
}

function decodeContinue(token: string): { rv: number; after: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (isPlainObject(parsed) && typeof parsed.rv === 'number' && typeof parsed.start === 'string') return { rv: parsed.rv, after: parsed.start };
  } catch {
    // fall through to the error below
  }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

