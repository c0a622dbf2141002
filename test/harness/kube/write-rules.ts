/**
 * What the apiserver does to every write before it is stored: validation (name, namespace,
 * the 256 KiB annotation limit), server-owned metadata (uid, creationTimestamp, generation),
 * status-subresource rules, and finalizer rules.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { ResourceDef } from './resources.ts';
import { badRequest, invalid } from './status.ts';
import { validate } from './validation.ts';
import type { KubeObject, StoredObject } from './types.ts';
import { isPlainObject } from './types.ts';

const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** `generateName` + 5 characters from the apiserver's alphabet (no vowels, no confusables). */
export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i += 1)
    suffix += GENERATE_ALPHABET[Math.floor(Math.random() * GENERATE_ALPHABET.length)];
  return `${prefix}${suffix}`;
}

/** Everything except metadata and status: a change here bumps generation. */
function specPart(obj: KubeObject | undefined): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj ?? {};
  return rest;
}

/** The object a create stores: name (or generateName), namespace and server metadata filled. */
export function prepareCreate(
  def: ResourceDef,
  body: KubeObject,
  namespace: string | undefined,
  apiVersion: string,
): StoredObject {
  if (!isPlainObject(body)) throw badRequest('the request body must be a JSON object');
  const meta = { ...(body.metadata ?? {}) };
  if (def.namespaced) {
    if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    meta.namespace = namespace;
  } else delete meta.namespace;
  if (meta.name === undefined || meta.name === '') {
    if (meta.generateName === undefined || meta.generateName === '') {
      throw invalid(def.kind, def.group, '', [
        {
          reason: 'FieldValueRequired',
          field: 'metadata.name',
          message: 'Required value: name or generateName is required',
        },
      ]);
    }
    meta.name = generateName(meta.generateName);
  }
  const obj = { ...structuredClone(body), apiVersion, kind: def.kind } as StoredObject;
  obj.metadata = {
    ...meta,
    name: meta.name,
    uid: randomUUID(),
    resourceVersion: '',
    creationTimestamp: timestamp(),
  };
  delete obj.metadata.deletionTimestamp;
  delete obj.metadata.deletionGracePeriodSeconds;
  if (def.crd) obj.metadata.generation = 1;
  else delete obj.metadata.generation;
  if (def.statusSubresource && def.crd) delete obj.status;
  validate(def, obj);
  return obj;
}

/**
 * The object an update stores, from the live object and the requested one. `subresource`
 * 'status' keeps everything but status; a main write keeps the live status.
 */
export function prepareUpdate(
  def: ResourceDef,
  live: StoredObject,
  requested: KubeObject,
  subresource: string | undefined,
): StoredObject {
  if (!isPlainObject(requested)) throw badRequest('the request body must be a JSON object');
  let next: StoredObject;
  if (subresource === 'status') {
    next = structuredClone(live);
    if (requested.status === undefined) delete next.status;
    else next.status = structuredClone(requested.status);
  } else {
    next = { ...structuredClone(requested), apiVersion: live.apiVersion, kind: live.kind } as StoredObject;
    next.metadata = { ...(requested.metadata ?? {}) } as StoredObject['metadata'];
    if (def.statusSubresource) {
      if (live.status === undefined) delete next.status;
      else next.status = structuredClone(live.status);
    }
  }
  const m = next.metadata;
  for (const k of [
    'name',
    'namespace',
    'uid',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'generation',
    'managedFields',
  ] as const) {
    if (live.metadata[k] === undefined) delete m[k];
    else m[k] = structuredClone(live.metadata[k]) as never;
  }
  m.resourceVersion = live.metadata.resourceVersion;
  if (def.crd && !isDeepStrictEqual(specPart(live), specPart(next)))
    m.generation = (live.metadata.generation ?? 0) + 1;
  if (live.metadata.deletionTimestamp !== undefined) {
    const added = (m.finalizers ?? []).filter((f) => !(live.metadata.finalizers ?? []).includes(f));
    if (added.length > 0) {
      throw invalid(def.kind, def.group, m.name, [
        {
          reason: 'FieldValueForbidden',
          field: 'metadata.finalizers',
          message: 'Forbidden: no new finalizers can be added if the object is being deleted',
        },
      ]);
    }
  }
  if (m.finalizers !== undefined && m.finalizers.length === 0) delete m.finalizers;
  validate(def, next);
  return next;
}

/** Equal apart from managedFields timestamps: the apiserver then skips the write entirely. */
export function isNoop(live: StoredObject, next: StoredObject): boolean {
  const strip = (o: StoredObject) => ({ ...o, metadata: { ...o.metadata, managedFields: undefined } });
  return isDeepStrictEqual(strip(live), strip(next));
}

export function isBeingDeleted(obj: StoredObject): boolean {
  return obj.metadata.deletionTimestamp !== undefined;
}

export function hasFinalizers(obj: StoredObject): boolean {
  return (obj.metadata.finalizers ?? []).length > 0;
}
