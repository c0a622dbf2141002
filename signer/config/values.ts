import { configError } from './errors.ts';

/** Small value parsers shared by the key table; each error names the key. */

export function parseList(key: string, value: string): string[] {
  const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (new Set(items).size !== items.length) throw configError('INVALID_VALUE', `${key}: "${value}" lists a value twice`);
  return items;
}

export function parseBool(key: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false' || v === '') return false;
  throw configError('INVALID_VALUE', `${key}: "${value}" is not true or false`);
}

export function parsePositiveInt(key: string, value: string, max: number): number {
  const v = value.trim();
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > max) throw configError('INVALID_VALUE', `${key}: "${value}" is not an integer in 1..${max}`);
  return n;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go-style durations as Chains users write them: `500ms`, `2s`, `5m`, `1h`. */
export function parseDuration(key: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value.trim());
  if (!m) throw configError('INVALID_VALUE', `${key}: "${value}" is not a duration like 500ms, 2s, 5m or 1h`);
  const ms = Number(m[1]) * (UNITS[m[2] as string] as number);
  if (ms <= 0 || ms > 24 * 3_600_000) throw configError('INVALID_VALUE', `${key}: "${value}" must be above 0 and at most 24h`);
  return ms;
}

export function parseOneOf<T extends string>(key: string, value: string, allowed: readonly T[], code: 'INVALID_VALUE' | 'UNKNOWN_SIGNER' = 'INVALID_VALUE'): T {
  const v = value.trim();
  if (!(allowed as readonly string[]).includes(v)) throw configError(code, `${key}: unknown value "${value}" (known: ${allowed.join(', ')})`);
  return v as T;
}

/** An http(s) URL without a trailing slash (a log or CA address). */
export function parseUrl(key: string, value: string): string {
  const v = value.trim().replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw configError('INVALID_VALUE', `${key}: "${value}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw configError('INVALID_VALUE', `${key}: "${value}" must be an http(s) URL`);
  return v;
}
