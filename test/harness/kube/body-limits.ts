/**
 * Bounds on decoded request bodies. The apiserver's JSON decoder stops at a nesting depth of
 * 10000; we stop at 1000, far above any real object, so recursive patch code stays safe.
 */
import { badRequest } from './status.ts';

export const MAX_BODY_DEPTH = 1000;

/** Throws 400 when `value` nests deeper than MAX_BODY_DEPTH (iterative: no recursion). */
export function checkDepth(value: unknown): void {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    if (depth > MAX_BODY_DEPTH)
      throw badRequest(`the request body nests deeper than ${MAX_BODY_DEPTH} levels`);
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
}
