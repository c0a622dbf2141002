/**
 * Label selectors (=, ==, !=, in, notin, exists, !exists) and field selectors
 * (metadata.name, metadata.namespace with = / == / !=), parsed like apimachinery does.
 */
import { badRequest } from './status.ts';
import type { KubeObject } from './types.ts';

export type Requirement =
  { key: string; op: 'in' | 'notin'; values: string[] } | { key: string; op: 'exists' | '!exists' };

export type Selector = (obj: KubeObject) => boolean;

const KEY = /^([a-z0-9A-Z.\-/_]+)$/;

/** Splits on commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    else if (c === ',' && depth === 0) {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms.map((t) => t.trim()).filter((t) => t !== '');
}

function parseTerm(term: string): Requirement {
  const setMatch = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
  if (setMatch !== null) {
    const [, k = '', op, values = ''] = setMatch;
    return {
      key: checkKey(k, term),
      op: op === 'in' ? 'in' : 'notin',
      values: values.split(',').map((v) => v.trim()),
    };
  }
  const eq = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (eq !== null) {
    const [, k = '', op, v = ''] = eq;
    return { key: checkKey(k, term), op: op === '!=' ? 'notin' : 'in', values: [v] };
  }
  if (term.startsWith('!')) return { key: checkKey(term.slice(1).trim(), term), op: '!exists' };
  return { key: checkKey(term, term), op: 'exists' };
}

function checkKey(key: string, term: string): string {
  if (!KEY.test(key))
    throw badRequest(`unable to parse requirement: invalid label key "${key}" in "${term}"`);
  return key;
}

export function parseLabelSelector(text: string | null | undefined): Requirement[] {
  if (text === null || text === undefined || text.trim() === '') return [];
  return splitTerms(text).map(parseTerm);
}

export function matchesRequirements(
  labels: Record<string, string> | undefined,
  reqs: Requirement[],
): boolean {
  return reqs.every((r) => {
    const has = labels !== undefined && Object.hasOwn(labels, r.key);
    const value = has ? labels[r.key] : undefined;
    switch (r.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case 'in':
        return has && r.values.includes(value ?? '');
      case 'notin':
        return !has || !r.values.includes(value ?? '');
    }
    return false;
  });
}

const FIELDS: Record<string, (obj: KubeObject) => string> = {
  'metadata.name': (o) => o.metadata?.name ?? '',
  'metadata.namespace': (o) => o.metadata?.namespace ?? '',
};

export function parseFieldSelector(text: string | null | undefined): Selector {
  if (text === null || text === undefined || text.trim() === '') return () => true;
  const checks = splitTerms(text).map((term) => {
    const m = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
    const read = m === null ? undefined : FIELDS[m[1] ?? ''];
    if (m === null || read === undefined) {
      throw badRequest(`"${term}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
    }
    const want = m[3] ?? '';
    const negate = m[2] === '!=';
    return (o: KubeObject) => (read(o) === want) !== negate;
  });
  return (obj) => checks.every((c) => c(obj));
}

/** The combined selector of a list or watch request. */
export function selectorFromQuery(query: URLSearchParams): Selector {
  const labels = parseLabelSelector(query.get('labelSelector'));
  const fields = parseFieldSelector(query.get('fieldSelector'));
  return (obj) => matchesRequirements(obj.metadata?.labels, labels) && fields(obj);
}
