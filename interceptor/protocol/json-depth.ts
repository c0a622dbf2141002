/**
 * Maximum nesting of `[`/`{` in `text`, scanning once and skipping string contents. Run
 * before JSON.parse so a deeply nested body is refused without building it; stops as soon as
 * `limit` is exceeded. Escapes inside strings are skipped pairwise (`\"` never ends a string).
 */
export function exceedsJsonDepth(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped char
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}
