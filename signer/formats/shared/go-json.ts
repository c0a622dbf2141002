/**
 * JSON as Go's encoding/json writes it, so byproduct and dependency `content` bytes equal
 * Chains': object keys sorted (Go maps), `<`, `>`, `&`, U+2028 and U+2029 escaped.
 */
export function goJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `content` of a ResourceDescriptor: base64 of the Go JSON (protojson writes bytes as base64). */
export function goJsonBase64(value: unknown): string {
  return Buffer.from(goJson(value), 'utf8').toString('base64');
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, sortKeys(o[k])]));
  }
  return v;
}
