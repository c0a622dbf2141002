/**
 * The bits of Go's encoding/json and fmt that decide what bytes Triggers produces:
 * map keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped (HTML-safe by default),
 * and `fmt.Sprint(float64)` for numbers picked by a TriggerBinding (`1e+06`, not `1000000`).
 */

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** Go's HTML-safe escaping, applied to JSON text (the characters only occur inside strings). */
export function goHtmlEscape(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * json.Marshal of a value decoded into interface{} (maps: sorted keys). Struct-shaped values
 * whose field order matters must be built in that order and passed with `sort = false`.
 */
export function goMarshal(value: unknown, sort = true): string {
  return goHtmlEscape(JSON.stringify(sort ? sortKeys(value) : value));
}

/** fmt.Sprint of a float64 (what the k8s jsonpath printer emits for a JSON number). */
export function goFloatText(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  // strconv 'g' with the shortest precision (fmt's %v): %e when exp < -4 || exp >= 6, so a
  // GitHub repository id 123456789 binds as "1.23456789e+08". (JSON's cut-off of 1e21 is
  // encoding/json's, not fmt's.)
  const [mantissa, expText] = n.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(n);
}

/**
 * Go's view of `string(bytes)` once json.Marshal has encoded it: every byte that does not
 * start a valid UTF-8 sequence becomes U+FFFD, one per byte (TextDecoder would merge a
 * truncated sequence into ONE U+FFFD). Valid input comes back unchanged.
 */
export function goUtf8(bytes: Buffer): string {
  const fast = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  try {
    return fast.decode(bytes);
  } catch {
    // fall through to the per-byte decoder
  }
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const n = validSequenceLength(bytes, i);
    out += n === 0 ? '\ufffd' : bytes.toString('utf8', i, i + n);
    i += n === 0 ? 1 : n;
  }
  return out;
}

function validSequenceLength(b: Buffer, i: number): number {
  const c0 = b[i] as number;
  if (c0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => i + k < b.length && (b[i + k] as number) >= lo && (b[i + k] as number) <= hi;
  if (c0 >= 0xc2 && c0 <= 0xdf) return cont(1) ? 2 : 0;
  if (c0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (c0 === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0; // no surrogates
  if (c0 >= 0xe1 && c0 <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c0 >= 0xf1 && c0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}
