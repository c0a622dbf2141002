import { ProvenanceError } from '../../../signer/errors.ts';
import type { TektonSimErrorCode } from './errors.ts';
import type { ParamValue } from './types.ts';

/** Values visible to `$(...)` while Tekton resolves a pipeline task. */
export interface Scope {
  params: Record<string, ParamValue>;
  /** task name -> result name -> value (only tasks that produced results). */
  results?: Record<string, Record<string, ParamValue>>;
  /** `context.pipelineRun.name`, `context.pipeline.name`, ... */
  context?: Record<string, string>;
}

const REF = /\$\(([^()]+)\)/g;

function lookup(path: string, scope: Scope): ParamValue | undefined {
  const m = /^(params|tasks\.([^.]+)\.results)(?:\.|\[["'])([^.\]["']+)["']?\]?(.*)$/.exec(path);
  if (!m) return scope.context?.[path.replace(/^context\./, '')];
  const [, kind, task, name, rest] = m as unknown as [string, string, string | undefined, string, string];
  let value: ParamValue | undefined;
  if (kind === 'params') value = scope.params[name];
  else {
    const r = scope.results?.[task as string];
    value = r?.[name];
    if (value === undefined) {
      throw new ProvenanceError<TektonSimErrorCode>('RESULT_MISSING', `invalid result reference: $(${path})`);
    }
  }
  if (value === undefined) return undefined;
  if (rest === '' || rest === '[*]') return value;
  const idx = /^\[(\d+)\]$/.exec(rest);
  if (idx && Array.isArray(value)) return value[Number(idx[1])];
  const key = /^\.(.+)$/.exec(rest);
  if (key && typeof value === 'object' && !Array.isArray(value)) return value[key[1] as string];
  return undefined;
}

/** Replaces every `$(...)` reference inside a string (arrays and objects become JSON). */
export function substituteString(s: string, scope: Scope): string {
  return s.replace(REF, (whole, path: string) => {
    const v = lookup(path, scope);
    if (v === undefined) return whole;
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
}

/** Substitutes a param value; `$(params.a[*])` as a whole value or array element expands. */
export function substituteValue(v: ParamValue, scope: Scope): ParamValue {
  if (typeof v === 'string') {
    const whole = /^\$\(([^()]+)\)$/.exec(v);
    if (whole?.[1] && (whole[1].endsWith('[*]') || /^(params\.[^.[]+|tasks\.[^.]+\.results\.[^.[]+)$/.test(whole[1]))) {
      const found = lookup(whole[1], scope);
      if (found !== undefined) return found;
    }
    return substituteString(v, scope);
  }
  if (Array.isArray(v)) {
    return v.flatMap((el) => {
      const out = substituteValue(el, scope);
      return Array.isArray(out) ? out : [typeof out === 'string' ? out : JSON.stringify(out)];
    });
  }
  return Object.fromEntries(Object.entries(v).map(([k, el]) => [k, substituteString(el, scope)]));
}

/** Names of the tasks whose results `v` references. */
export function referencedTasks(v: ParamValue | undefined): string[] {
  const text = v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  return [...text.matchAll(/\$\(tasks\.([^.]+)\.results\./g)].map((m) => m[1] as string);
}
