/**
 * Maximum nesting of `[`/`{` in `text`, scanning once and skipping string contents. Run
 * before JSON.parse so a deeply nested body is refused without building it; stops as soon as
 * `limit` is exceeded. Strings are skipped with indexOf (native, fast on long strings); a
 * quote preceded by an odd run of backslashes is escaped and does not end the string.
 */
export function exceedsJsonDepth(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = endOfString(text, i + 1);
      if (i < 0) return false; // unterminated: JSON.parse reports it
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

/** Index of the quote closing the string that starts at `from`, or -1. */
export function endOfString(text: string, from: number): number {
  let q = text.indexOf('"', from);
  while (q >= 0) {
    let slashes = 0;
    while (text.charCodeAt(q - 1 - slashes) === 0x5c) slashes++;
    if (slashes % 2 === 0) return q;
    q = text.indexOf('"', q + 1);
  }
  return -1;
}
