/**
 * The REST verbs with apiserver semantics, independent of HTTP: get, list (selectors and
 * pagination), create, update (optimistic concurrency), patch (four types), delete (finalizers).
 */
import { listObjects } from './list.ts';
import type { ObjectList } from './list.ts';
import { planApply } from './patch/apply.ts';
import { applyPatch, parsePatchBody, patchKind } from './patch/index.ts';
import { recordUpdate } from './patch/managed-fields.ts';
import { apiVersionOf } from './resources.ts';
import type { ResourceDef } from './resources.ts';
import { alreadyExists, badRequest, conflict, invalid, KubeApiError, notFound } from './status.ts';
import type { ObjectStore } from './store.ts';
import type { KubeObject, StoredObject } from './types.ts';
import { isPlainObject } from './types.ts';
import { admitNamespace } from './namespace-lifecycle.ts';
import { checkTypeMeta } from './validation.ts';
import { hasFinalizers, isBeingDeleted, isNoop, prepareCreate, prepareUpdate } from './write-rules.ts';
import { collectDependents, deleteObject } from './deletion.ts';
import { dryRunDelete, isDryRun } from './dry-run.ts';

export type { ObjectList };

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

function requireName(t: Target): string {
  if (t.name === undefined)
    throw new KubeApiError(
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
    );
  return t.name;
}

export class Verbs {
  readonly #store: ObjectStore;
  readonly #requireNamespaces: boolean;

  constructor(store: ObjectStore, opts: { requireNamespaces?: boolean } = {}) {
    this.#store = store;
    this.#requireNamespaces = opts.requireNamespaces ?? false;
  }

  /** NamespaceLifecycle admission, when enabled. */
  #requireNamespace(t: Target): void {
    if (this.#requireNamespaces) admitNamespace(this.#store, t);
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
    return listObjects(this.#store, t, query);
  }

  create(t: Target, body: KubeObject, ctx: WriteContext): StoredObject {
    if (t.def.namespaced && t.namespace === undefined)
      throw badRequest(`${t.def.resource} is namespaced: create it under /namespaces/<namespace>/`);
    checkTypeMeta(t.def, body);
    this.#requireNamespace(t);
    const obj = prepareCreate(t.def, body, t.namespace, apiVersionOf(t.def));
    if (this.#store.get(t.def.storage, obj.metadata.namespace, obj.metadata.name) !== undefined) {
      throw alreadyExists(t.def.resource, t.def.group, obj.metadata.name);
    }
    recordUpdate(undefined, obj, ctx.manager);
    if (isDryRun(ctx.query)) return obj;
    return this.#store.commit('ADDED', t.def.storage, obj);
  }

  update(t: Target, body: KubeObject, ctx: WriteContext): StoredObject {
    const live = this.get(t);
    if (!isPlainObject(body)) throw badRequest('the request body must be a JSON object');
    checkTypeMeta(t.def, body, live.apiVersion);
    const wanted = body.metadata?.resourceVersion;
    if (wanted === undefined || wanted === '') {
      if (t.def.crd) {
        throw invalid(t.def.kind, t.def.group, live.metadata.name, [
          {
            reason: 'FieldValueInvalid',
            field: 'metadata.resourceVersion',
            message: 'Invalid value: 0x0: must be specified for an update',
          },
        ]);
      }
    } else if (wanted !== live.metadata.resourceVersion) {
      throw conflict(t.def.resource, t.def.group, live.metadata.name);
    }
    if (body.metadata?.name !== undefined && body.metadata.name !== live.metadata.name) {
      throw badRequest(
        `the name of the object (${body.metadata.name}) does not match the name on the URL (${live.metadata.name})`,
      );
    }
    return this.#write(t, live, prepareUpdate(t.def, live, body, t.subresource), ctx);
  }

  patch(t: Target, contentType: string | undefined, raw: string, ctx: WriteContext): StoredObject {
    const kind = patchKind(contentType);
    const body = parsePatchBody(kind, raw);
    if (kind === 'apply') return this.#apply(t, body, ctx);
    const live = this.get(t);
    const patched = applyPatch(kind, live, body) as KubeObject;
    if (!isPlainObject(patched)) throw badRequest('the patch did not produce an object');
    if (
      patched.metadata?.resourceVersion !== undefined &&
      patched.metadata.resourceVersion !== live.metadata.resourceVersion
    ) {
      throw conflict(t.def.resource, t.def.group, live.metadata.name);
    }
    return this.#write(t, live, prepareUpdate(t.def, live, patched, t.subresource), ctx);
  }

  /** DeleteOptions come in the body or, as client-node sends them, as query parameters. */
  delete(t: Target, body: KubeObject | undefined, query?: URLSearchParams): StoredObject | KubeObject {
    const live = this.get(t);
    const pre = isPlainObject(body?.preconditions) ? body.preconditions : {};
    if (
      (pre.resourceVersion !== undefined && pre.resourceVersion !== live.metadata.resourceVersion) ||
      (pre.uid !== undefined && pre.uid !== live.metadata.uid)
    ) {
      throw conflict(t.def.resource, t.def.group, live.metadata.name);
    }
    const policy = body?.propagationPolicy ?? query?.get('propagationPolicy') ?? undefined;
    if (policy !== undefined && policy !== 'Background' && policy !== 'Foreground' && policy !== 'Orphan') {
      throw badRequest(
        `propagationPolicy: Unsupported value: "${String(policy)}": supported values: "Foreground", "Background", "Orphan"`,
      );
    }
    if (query !== undefined && isDryRun(query)) return dryRunDelete(live);
    const result = deleteObject(this.#store, t.def.storage, live, policy);
    if (!result.gone || t.def.crd) return result.object;
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: live.metadata.name, group: t.def.group, kind: t.def.resource, uid: live.metadata.uid },
    };
  }

  /** deletecollection: deletes every object the list selectors match; answers the list of them. */
  deleteCollection(t: Target, body: KubeObject | undefined, query: URLSearchParams): ObjectList {
    const list = listObjects(
      this.#store,
      t,
      new URLSearchParams({
        labelSelector: query.get('labelSelector') ?? '',
        fieldSelector: query.get('fieldSelector') ?? '',
      }),
    );
    list.items = list.items.map((o) => {
      const one: Target = { def: t.def, name: o.metadata.name };
      if (o.metadata.namespace !== undefined) one.namespace = o.metadata.namespace;
      this.delete(one, body, query);
      return o;
    });
    return list;
  }

  /** Server-side apply: planned in patch/apply.ts, committed here like any write. */
  #apply(t: Target, body: unknown, ctx: WriteContext): StoredObject {
    const name = requireName(t);
    const live = this.#store.get(t.def.storage, t.namespace, name);
    if (live === undefined) this.#requireNamespace(t);
    const plan = planApply({
      def: t.def,
      namespace: t.namespace,
      name,
      live,
      body,
      query: ctx.query,
      subresource: t.subresource,
    });
    if (isDryRun(ctx.query)) return plan.object;
    if (plan.op === 'create' || live === undefined)
      return this.#store.commit('ADDED', t.def.storage, plan.object);
    if (isNoop(live, plan.object)) return live;
    return this.#commitUpdate(t, live, plan.object);
  }

  #write(t: Target, live: StoredObject, next: StoredObject, ctx: WriteContext): StoredObject {
    if (isNoop(live, next)) return live;
    recordUpdate(live, next, ctx.manager, t.subresource);
    if (isDryRun(ctx.query)) return next;
    return this.#commitUpdate(t, live, next);
  }

  /** An update that removes the last finalizer of an object being deleted completes the delete. */
  #commitUpdate(t: Target, live: StoredObject, next: StoredObject): StoredObject {
    if (isBeingDeleted(next) && !hasFinalizers(next)) {
      const gone = this.#store.commit('DELETED', t.def.storage, next, live);
      collectDependents(this.#store, live.metadata.uid);
      return gone;
    }
    return this.#store.commit('MODIFIED', t.def.storage, next, live);
  }
}
