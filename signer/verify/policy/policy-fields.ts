import { ProvenanceError } from '../../errors.ts';

/**
 * Strict readers for the policy YAML. A policy must never be weaker than its author meant, so
 * every unknown key, empty value (`builderId:` with nothing after it) or wrong type is a
 * `POLICY_INVALID` error naming the field, never a default.
 */
export type Obj = Record<string, unknown>;

/** Where each policy field is read, to tell an author whose key sits at the wrong level where it belongs. */
const HOMES: Record<string, string[]> = {
  builderId: ['the top level (or spec:)'],
  maxAge: ['the top level (or spec:)'],
  event: ['the top level (or spec:)'],
  bindings: ['the top level (or spec:)'],
  trustedTasks: ['the top level (or spec:)'],
  transparency: ['the top level (or spec:)', 'event'],
  identity: ['event'],
  subject: ['event.identity'],
  subjectRegExp: ['event.identity'],
  issuer: ['event.identity'],
  required: ['event'],
  providers: ['event'],
  trustedDelegates: ['event'],
  presets: ['bindings'],
  rules: ['bindings'],
  allow: ['trustedTasks'],
  allowFailed: ['trustedTasks'],
  requirePinnedBundles: ['trustedTasks'],
  param: ['bindings.rules[]'],
  result: ['bindings.rules[]'],
  material: ['bindings.rules[]'],
  compare: ['bindings.rules[]'],
  optional: ['bindings.rules[]'],
  name: ['bindings.rules[]', 'trustedTasks.allow[]'],
  kind: ['trustedTasks.allow[]'],
  bundle: ['trustedTasks.allow[]'],
  source: ['trustedTasks.allow[]'],
  sourceDigest: ['trustedTasks.allow[]'],
  pipelineTasks: ['trustedTasks.allow[]'],
};

/** Every key of `o` must be in `allowed`; an unknown one is named with where it belongs or what it resembles. */
export function onlyKeys(o: Obj, allowed: readonly string[], where: string): void {
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  if (extra.length === 0) return;
  const key = extra[0] as string;
  const homes = HOMES[key]?.filter((h) => h !== where);
  const hint = homes && homes.length > 0 ? `; it belongs under ${homes.join(' or ')}` : suggest(key, allowed);
  throw invalid(`${where}: unknown field(s) ${extra.join(', ')}${hint} (allowed here: ${allowed.join(', ')})`);
}

/** ` (did you mean X?)` for a key one or two edits away from, or differing only in case from, an allowed one. */
function suggest(key: string, allowed: readonly string[]): string {
  const near = allowed.find((a) => a.toLowerCase() === key.toLowerCase()) ?? allowed.find((a) => editDistance(a, key) <= 2);
  return near ? `; did you mean "${near}"?` : '';
}

/** Levenshtein distance, bounded by the key lengths (policy keys are short). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length] as number;
}

export function asObject(value: unknown, where: string): Obj {
  if (value === null) throw invalid(`${where} has no value (give a mapping, or remove the line)`);
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`${where} must be a mapping`);
  return { ...(value as Obj) };
}
export function asArray(value: unknown, where: string): unknown[] {
  if (value === null) throw invalid(`${where} has no value (give a list, or remove the line)`);
  if (!Array.isArray(value)) throw invalid(`${where} must be a list`);
  return value;
}
/** `undefined` when absent; an empty value (`key:` alone) is an error, never "absent". */
export function optString(value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (value === null) throw invalid(`${where} has no value (give a string, or remove the line)`);
  if (typeof value !== 'string') throw invalid(`${where} must be a string`);
  if (value.trim() === '') throw invalid(`${where} is empty`);
  return value;
}
export function optBool(value: unknown, where: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalid(`${where} must be true or false`);
  return value;
}
export function stringList(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  return asArray(value, where).map((v, i) => {
    if (v === undefined || v === null) throw invalid(`${where}[${i}] has no value`);
    return optString(v, `${where}[${i}]`) as string;
  });
}
/** A list whose every value is one of `allowed`, exactly (case matters: `Github` is refused, not guessed). */
export function enumList(value: unknown, allowed: readonly string[], where: string): string[] {
  const list = stringList(value, where);
  list.forEach((v, i) => {
    if (!allowed.includes(v)) throw invalid(`${where}[${i}]: "${v}" is not one of ${allowed.join(', ')}`);
  });
  return list;
}
export function invalid(message: string): ProvenanceError<'POLICY_INVALID'> {
  return new ProvenanceError('POLICY_INVALID', message);
}
