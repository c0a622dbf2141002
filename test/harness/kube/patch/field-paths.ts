/**
 * Field paths for server-side apply ownership. A path is the list of map keys to a leaf
 * (scalar, list or empty map); lists are atomic, as `+listType=atomic` fields are. Paths
 * are encoded as FieldsV1 (`{"f:spec":{"f:x":{}}}`) in metadata.managedFields.
 */
import { isDeepStrictEqual } from 'node:util';
import { isPlainObject } from '../types.ts';

export type FieldPath = string[];

/** Server-owned metadata that no manager owns. */
const UNTRACKED_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
  'generateName',
]);

function tracked(path: FieldPath): boolean {
  const [top, second] = path;
  if (top === 'apiVersion' || top === 'kind') return false;
  if (top === 'metadata' && second !== undefined && UNTRACKED_METADATA.has(second)) return false;
  return true;
}

export function leafPaths(value: unknown, prefix: FieldPath = []): FieldPath[] {
  if (!isPlainObject(value) || (Object.keys(value).length === 0 && prefix.length > 0)) {
    return prefix.length === 0 ? [] : [prefix];
  }
  const out: FieldPath[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    for (const p of leafPaths(v, [...prefix, k])) if (tracked(p)) out.push(p);
  }
  return out;
}

export function valueAt(obj: unknown, path: FieldPath): unknown {
  let cur = obj;
  for (const k of path) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** Removes the leaf at `path` and prunes maps left empty by it. */
export function removePath(obj: Record<string, unknown>, path: FieldPath): void {
  const [head, ...rest] = path;
  if (head === undefined || !Object.hasOwn(obj, head)) return;
  if (rest.length === 0) {
    delete obj[head];
    return;
  }
  const child = obj[head];
  if (!isPlainObject(child)) return;
  removePath(child, rest);
  if (Object.keys(child).length === 0) delete obj[head];
}

/** True when one path is a prefix of the other: owning one means owning part of the other. */
export function overlaps(a: FieldPath, b: FieldPath): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** Leaf paths whose value differs between two versions of an object (added, changed, removed). */
export function changedPaths(before: unknown, after: unknown): FieldPath[] {
  const seen = new Set<string>();
  const out: FieldPath[] = [];
  for (const p of [...leafPaths(before), ...leafPaths(after)]) {
    const k = JSON.stringify(p);
    if (seen.has(k)) continue;
    seen.add(k);
    if (!isDeepStrictEqual(valueAt(before, p), valueAt(after, p))) out.push(p);
  }
  return out;
}

export function toFieldsV1(paths: FieldPath[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const p of paths) {
    let node = root;
    for (const k of p) {
      const key = `f:${k}`;
      const next = isPlainObject(node[key]) ? (node[key] as Record<string, unknown>) : {};
      node[key] = next;
      node = next;
    }
  }
  return root;
}

export function fromFieldsV1(fields: unknown, prefix: FieldPath = []): FieldPath[] {
  if (!isPlainObject(fields)) return [];
  const children = Object.keys(fields).filter((k) => k.startsWith('f:'));
  if (children.length === 0) return prefix.length === 0 ? [] : [prefix];
  return children.flatMap((k) => fromFieldsV1(fields[k], [...prefix, k.slice(2)]));
}

/** `.spec.params`: how conflict messages print a path. */
export function formatPath(path: FieldPath): string {
  return path.map((k) => `.${k}`).join('');
}
