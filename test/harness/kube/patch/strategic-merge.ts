/**
 * Strategic merge patch, simplified to what this project's objects need: maps merge
 * recursively, null deletes, lists replace, except `metadata.finalizers` (a set: union) and
 * `$deleteFromPrimitiveList/finalizers`. `$patch: replace|delete` on a map is honoured.
 */
import { isPlainObject } from '../types.ts';

const MERGED_LISTS = new Set(['metadata.finalizers']);

function merge(target: unknown, patch: unknown, path: string): unknown {
  if (Array.isArray(patch) && Array.isArray(target) && MERGED_LISTS.has(path)) {
    return [...target, ...patch.filter((v) => !target.includes(v))];
  }
  if (!isPlainObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return structuredClone(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const current = out[field];
      if (Array.isArray(current) && Array.isArray(v)) out[field] = current.filter((x) => !v.includes(x));
      continue;
    }
    if (k.startsWith('$')) continue;
    if (v === null) {
      delete out[k];
      continue;
    }
    const merged = merge(out[k], v, path === '' ? k : `${path}.${k}`);
    if (merged === undefined) delete out[k];
    else out[k] = merged;
  }
  return out;
}

export function applyStrategicMergePatch(target: unknown, patch: unknown): unknown {
  return merge(target, patch, '');
}
