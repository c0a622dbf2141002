import { parseAllDocuments } from 'yaml';
import { modelError } from './errors.ts';
import { isObj } from './read.ts';

/** Exports larger than this are refused before parsing (a 1000-TaskRun run is ~10 MiB). */
export const MAX_EXPORT_BYTES = 64 * 1024 * 1024;
/** Kubernetes objects nest ~15 deep; anything deeper than this is hostile or broken. */
export const MAX_DEPTH = 100;

/**
 * Reads what `kubectl get -o json|yaml` writes: one object, a `List` (kind `List` or
 * `*List` with `items`), a JSON array, or multi-document YAML. Returns the objects flattened.
 */
export function parseKubeObjects(text: string, what = 'input'): object[] {
  if (Buffer.byteLength(text) > MAX_EXPORT_BYTES) {
    throw modelError('UNPARSABLE_OBJECTS', `${what} is larger than ${MAX_EXPORT_BYTES} bytes`);
  }
  const docs = parseDocuments(text, what);
  const out: object[] = [];
  for (const doc of docs) flatten(doc, what, out);
  if (out.length === 0) throw modelError('UNPARSABLE_OBJECTS', `${what} holds no Kubernetes objects`);
  return out;
}

function parseDocuments(text: string, what: string): unknown[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const v: unknown = JSON.parse(text);
      checkDepth(v, what);
      return [v];
    } catch (err) {
      if ((err as { code?: string }).code === 'TOO_DEEP') throw err;
      // fall through: YAML flow style also starts with { or [
    }
  }
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  const values: unknown[] = [];
  for (const [i, d] of list.entries()) {
    if (d.errors.length > 0) {
      throw modelError('UNPARSABLE_OBJECTS', `${what} is neither JSON nor YAML (document ${i + 1}: ${d.errors[0]?.message ?? 'error'})`);
    }
    const v: unknown = d.toJS({ maxAliasCount: 100 });
    if (v === null || v === undefined) continue; // empty document between `---` separators
    checkDepth(v, what);
    values.push(v);
  }
  return values;
}

function flatten(v: unknown, what: string, out: object[]): void {
  if (Array.isArray(v)) {
    for (const x of v) flatten(x, what, out);
    return;
  }
  if (!isObj(v)) throw modelError('UNPARSABLE_OBJECTS', `${what} holds a ${typeof v}, not a Kubernetes object`);
  const kind = v['kind'];
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(v['items'])) {
    for (const x of v['items']) flatten(x, what, out);
    return;
  }
  out.push(v);
}

/** Iterative (no recursion) so a hostile document cannot overflow the stack. */
function checkDepth(root: unknown, what: string): void {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_DEPTH) throw modelError('TOO_DEEP', `${what} nests deeper than ${MAX_DEPTH} levels`);
    for (const x of Object.values(v)) stack.push([x, depth + 1]);
  }
}
