/**
 * What the apiserver does to every write before it is stored: validation (name, namespace,
 * the 256 KiB annotation limit), server-owned metadata (uid, creationTimestamp, generation),
 * status-subresource rules, and finalizer rules.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { ResourceDef } from './resources.ts';
import { apiVersionOf } from './resources.ts';
import { badRequest, invalid } from './status.ts';
import type { StatusCause } from './status.ts';
import type { KubeObject, StoredObject } from './types.ts';
import { isPlainObject } from './types.ts';

export const ANNOTATIONS_LIMIT_BYTES = 262144;
/** corev1.MaxSecretSize, also the ConfigMap total: data (decoded) + binaryData. */
export const SECRET_CONFIGMAP_LIMIT_BYTES = 1048576;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
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

function annotationBytes(annotations: Record<string, string> | undefined): number {
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {}))
    total += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  return total;
}

/** Secrets: stringData is write-only; the apiserver folds it into base64 `data`. */
function foldStringData(obj: StoredObject): void {
  if (obj.kind !== 'Secret' || !isPlainObject(obj.stringData)) return;
  const data: Record<string, unknown> = isPlainObject(obj.data) ? { ...obj.data } : {};
  for (const [k, v] of Object.entries(obj.stringData)) data[k] = Buffer.from(String(v)).toString('base64');
  obj.data = data;
  delete obj.stringData;
}

/** Bytes of a Secret's decoded data or a ConfigMap's data + decoded binaryData (keys included for ConfigMaps). */
function payloadBytes(obj: StoredObject): number {
  let total = 0;
  const data = isPlainObject(obj.data) ? obj.data : {};
  for (const [k, v] of Object.entries(data)) {
    total +=
      obj.kind === 'Secret'
        ? Buffer.from(String(v), 'base64').length
        : Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  const binary = isPlainObject(obj.binaryData) ? obj.binaryData : {};
  for (const [k, v] of Object.entries(binary))
    total += Buffer.byteLength(k) + Buffer.from(String(v), 'base64').length;
  return total;
}

export function validate(def: ResourceDef, obj: StoredObject): void {
  foldStringData(obj);
  const causes: StatusCause[] = [];
  const name = obj.metadata.name;
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'metadata.name',
      message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    });
  }
  if (annotationBytes(obj.metadata.annotations) > ANNOTATIONS_LIMIT_BYTES) {
    causes.push({
      reason: 'FieldValueTooLong',
      field: 'metadata.annotations',
      message: `Too long: must have at most ${ANNOTATIONS_LIMIT_BYTES} bytes`,
    });
  }
  if (obj.kind === 'Secret' || obj.kind === 'ConfigMap') {
    const field = obj.kind === 'Secret' ? 'data' : '[data, binaryData]';
    if (payloadBytes(obj) > SECRET_CONFIGMAP_LIMIT_BYTES) {
      causes.push({
        reason: 'FieldValueTooLong',
        field,
        message: `Too long: must have at most ${SECRET_CONFIGMAP_LIMIT_BYTES} bytes`,
      });
    }
  }
  for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) {
    if (typeof v !== 'string' || v.length > 63)
      causes.push({
        reason: 'FieldValueInvalid',
        field: `metadata.labels`,
        message: `Invalid value: "${String(v)}": must be no more than 63 characters (label ${k})`,
      });
  }
  if (causes.length > 0) throw invalid(def.kind, def.group, name, causes);
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

/**
 * The apiserver decodes a body as the URL's group/version/kind; a different one is 400. Since
 * this server does not convert between versions, the stored object's apiVersion is accepted too.
 */
export function checkTypeMeta(def: ResourceDef, body: KubeObject, storedApiVersion?: string): void {
  const expected = apiVersionOf(def);
  if (body.apiVersion !== undefined && body.apiVersion !== expected && body.apiVersion !== storedApiVersion) {
    throw badRequest(
      `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${expected})`,
    );
  }
  if (body.kind !== undefined && body.kind !== def.kind) {
    throw badRequest(
      `the kind in the data (${String(body.kind)}) does not match the expected kind (${def.kind})`,
    );
  }
}
