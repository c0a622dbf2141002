import { ProvenanceError } from '../errors.ts';

/**
 * Reads a value by a dotted path with optional indexes, e.g. `repository.clone_url`,
 * `commits[0].id`, `pull_request.head.sha`. Policies only need this subset of JSONPath,
 * and a small well-defined subset is easier to audit than a full query language.
 */
export function readPath(root: unknown, path: string): unknown {
  let value: unknown = root;
  for (const step of parsePath(path)) {
    if (value === null || typeof value !== 'object') return undefined;
    if (typeof step === 'number') {
      if (!Array.isArray(value)) return undefined;
      value = value[step];
    } else {
      if (Array.isArray(value) || !Object.hasOwn(value, step)) return undefined;
      value = (value as Record<string, unknown>)[step];
    }
  }
  return value;
}

const SEGMENT = /^([^.[\]]+)((?:\[\d+\])*)$/;

export function parsePath(path: string): (string | number)[] {
  const steps: (string | number)[] = [];
  const body = path.startsWith('$.') ? path.slice(2) : path;
  for (const part of body.split('.')) {
    const m = SEGMENT.exec(part);
    if (!m) throw new ProvenanceError('POLICY_INVALID', `"${path}" is not a dotted path (e.g. repository.clone_url or commits[0].id)`);
    steps.push(m[1] as string);
    for (const idx of (m[2] ?? '').matchAll(/\[(\d+)\]/g)) steps.push(Number(idx[1]));
  }
  return steps;
}
