/**
 * Validation the apiserver applies to every stored object (names, labels, the 256 KiB
 * annotation total, the 1 MiB Secret/ConfigMap payload) and to every request body (its
 * apiVersion/kind must match the URL). Field errors are 422 Invalid with apimachinery wording.
 */
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
