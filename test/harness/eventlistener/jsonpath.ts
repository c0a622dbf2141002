import { goFloatText, goMarshal } from './go-json.ts';

/**
 * The part of Triggers' `$(...)` handling that bindings use: find the expressions in a
 * value, turn each into a k8s JSONPath (`body.a.b` -> `{.body.a.b}`), evaluate it with
 * missing keys as errors, and print the result like Triggers' `textValue`.
 * Supported path syntax: `.field`, `['key.with.dots']`, `[index]`, `\.` inside a field.
 */

/** Every `$(...)` in `value`, with balanced parentheses, in order. */
export function findExpressions(value: string): string[] {
  const out: string[] = [];
  for (let i = value.indexOf('$('); i >= 0; i = value.indexOf('$(', i + 1)) {
    let depth = 0;
    for (let j = i + 1; j < value.length; j++) {
      if (value[j] === '(') depth++;
      else if (value[j] === ')' && --depth === 0) {
        out.push(value.slice(i, j + 1));
        i = j;
        break;
      }
    }
  }
  return out;
}

type Segment = { field: string } | { index: number };

function parsePath(expr: string): Segment[] {
  const inner = expr.slice(2, -1).trim();
  const m = /^\{\.?([^{}]+)\}$|^\.?([^{}]+)$/.exec(inner);
  const path = m?.[1] ?? m?.[2];
  if (!path) throw new Error(`unexpected path string ${JSON.stringify(inner)}`);
  const segs: Segment[] = [];
  const re = /\[\s*(?:'([^']*)'|"([^"]*)"|(-?\d+))\s*\]|((?:\\.|[^.[\]])+)|\./gy;
  let match: RegExpExecArray | null;
  let pos = 0;
  while (pos < path.length && (match = re.exec(path)) !== null) {
    pos = re.lastIndex;
    const [, single, double, index, field] = match;
    if (single !== undefined || double !== undefined) segs.push({ field: (single ?? double) as string });
    else if (index !== undefined) segs.push({ index: Number(index) });
    else if (field !== undefined) segs.push({ field: field.replace(/\\(.)/g, '$1') });
  }
  if (pos !== path.length) throw new Error(`cannot parse JSONPath ${JSON.stringify(path)} at ${pos}`);
  return segs;
}

/** Evaluates one `$(...)` against `root`; throws "... is not found" like AllowMissingKeys(false). */
export function evaluate(root: unknown, expr: string): unknown {
  let cur: unknown = root;
  for (const seg of parsePath(expr)) {
    if ('index' in seg) {
      if (!Array.isArray(cur)) throw new Error(`array index in ${expr} applied to a non-array`);
      const i = seg.index < 0 ? cur.length + seg.index : seg.index;
      if (i < 0 || i >= cur.length) throw new Error(`array index out of bounds in ${expr}`);
      cur = cur[i];
    } else {
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, seg.field)) {
        throw new Error(`${seg.field} is not found in ${expr}`);
      }
      cur = (cur as Record<string, unknown>)[seg.field];
    }
  }
  return cur;
}

/** Triggers' `textValue`: strings JSON-escaped without their quotes, objects/arrays as JSON. */
export function textValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goMarshal(v).slice(1, -1);
  if (typeof v === 'number') return goFloatText(v);
  if (typeof v === 'boolean') return String(v);
  return goMarshal(v);
}
