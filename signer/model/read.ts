import { modelError } from './errors.ts';
import type { JsonObject, JsonValue, Param, ParamSpec, ParamValue, ResultValue } from './types.ts';

/**
 * Small typed readers over parsed Kubernetes JSON. Each names the field path it failed on,
 * so a malformed export says exactly what is wrong (e.g. "status.steps[2].imageID").
 */
export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function obj(v: unknown, path: string): Obj {
  if (!isObj(v)) throw modelError('BAD_FIELD', `${path} is not an object`);
  return v;
}

/** An optional object field: absent/null -> empty object. */
export function optObj(parent: Obj, key: string, path: string): Obj {
  const v = parent[key];
  return v === undefined || v === null ? {} : obj(v, `${path}.${key}`);
}

export function optArr(parent: Obj, key: string, path: string): unknown[] {
  const v = parent[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw modelError('BAD_FIELD', `${path}.${key} is not a list`);
  return v;
}

export function optStr(parent: Obj, key: string, path: string): string | undefined {
  const v = parent[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw modelError('BAD_FIELD', `${path}.${key} is not a string`);
  return v;
}

export function reqStr(parent: Obj, key: string, path: string): string {
  const v = optStr(parent, key, path);
  if (v === undefined || v === '') throw modelError('MISSING_FIELD', `${path}.${key} is missing`);
  return v;
}

export function strList(parent: Obj, key: string, path: string): string[] {
  return optArr(parent, key, path).map((x, i) => {
    if (typeof x !== 'string') throw modelError('BAD_FIELD', `${path}.${key}[${i}] is not a string`);
    return x;
  });
}

export function strMap(parent: Obj, key: string, path: string): Record<string, string> {
  const o = optObj(parent, key, path);
  const out: Record<string, string> = {};
  for (const k of Object.keys(o).sort()) {
    const v = o[k];
    if (typeof v !== 'string') throw modelError('BAD_FIELD', `${path}.${key}.${k} is not a string`);
    out[k] = v;
  }
  return out;
}

/** A Tekton ParamValue: string, array of strings, or object of strings. */
export function paramValue(v: unknown, path: string): ParamValue {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    return v.map((x, i) => {
      if (typeof x !== 'string') throw modelError('BAD_FIELD', `${path}[${i}] is not a string`);
      return x;
    });
  }
  if (isObj(v)) {
    const out: Record<string, string> = {};
    for (const k of Object.keys(v).sort()) {
      const x = v[k];
      if (typeof x !== 'string') throw modelError('BAD_FIELD', `${path}.${k} is not a string`);
      out[k] = x;
    }
    return out;
  }
  throw modelError('BAD_FIELD', `${path} is not a string, list or object`);
}

export function params(parent: Obj, key: string, path: string): Param[] {
  return optArr(parent, key, path).map((p, i) => {
    const at = `${path}.${key}[${i}]`;
    const o = obj(p, at);
    return { name: reqStr(o, 'name', at), value: paramValue(o['value'] ?? '', `${at}.value`) };
  });
}

export function results(parent: Obj, key: string, path: string): ResultValue[] {
  return optArr(parent, key, path).map((r, i) => {
    const at = `${path}.${key}[${i}]`;
    const o = obj(r, at);
    const type = optStr(o, 'type', at);
    const name = reqStr(o, 'name', at);
    const value = paramValue(o['value'] ?? '', `${at}.value`);
    return type ? { name, type, value } : { name, value };
  });
}

export function paramSpecs(parent: Obj, key: string, path: string): ParamSpec[] {
  return optArr(parent, key, path).map((p, i) => {
    const at = `${path}.${key}[${i}]`;
    const o = obj(p, at);
    const type = optStr(o, 'type', at) ?? 'string';
    if (type !== 'string' && type !== 'array' && type !== 'object') {
      throw modelError('BAD_FIELD', `${at}.type is "${type}" (string, array or object)`);
    }
    const spec: ParamSpec = { name: reqStr(o, 'name', at), type };
    if (o['default'] !== undefined && o['default'] !== null) spec.default = paramValue(o['default'], `${at}.default`);
    return spec;
  });
}

/** A deep copy restricted to JSON values (drops undefined/functions; objects keep key order). */
export function toJson(v: unknown): JsonValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (Array.isArray(v)) return v.map(toJson);
  if (isObj(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toJson(x);
    return out;
  }
  return null;
}

export function toJsonObject(v: Obj): JsonObject {
  return toJson(v) as JsonObject;
}

/** RFC 3339 timestamps normalised to UTC `...Z` (second precision kept as given). */
export function optTime(parent: Obj, key: string, path: string): string | undefined {
  const v = optStr(parent, key, path);
  if (v === undefined || v === '') return undefined;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw modelError('BAD_FIELD', `${path}.${key} is not an RFC 3339 time: "${v}"`);
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
