/** Small readers for untrusted predicate JSON: wrong shapes read as absent, never throw. */
export type Json = Record<string, unknown>;

export function obj(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}
export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
export function digestSet(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(value))) if (typeof v === 'string') out[k] = v;
  return out;
}
/** `[{name, value}]` (Tekton params/results) -> `{name: value}`. */
export function nameValues(value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of arr(value)) {
    const o = obj(item);
    if (typeof o.name === 'string') out[o.name] = o.value;
  }
  return out;
}

/** `incompleteTasks[]` entries as {name, reason}. */
export function gaps(list: unknown): { name: string; reason: string }[] {
  return arr(list).map((t) => ({ name: str(obj(t).name) ?? '?', reason: str(obj(t).reason) ?? '?' }));
}
