/**
 * Strict JSON checking without building the value: RFC 8259 syntax (exactly what JSON.parse
 * accepts), nesting depth, duplicate member names (JSON.parse keeps the last one silently, so
 * two readers of one signed text could disagree about its meaning), text that decodes to a
 * lone surrogate, and the members of one object. One pass, memory bounded by the open
 * objects' member names, so a 25 MiB body of tiny values costs no object graph (JSON.parse of
 * `[{},{},...]` costs about 10x the text in heap).
 */

export interface StrictJsonLimits {
  /** Deepest nesting of objects and arrays. */
  maxDepth: number;
  /** Most members in one object (bounds the memory of duplicate detection). */
  maxMembers: number;
  /** Most values in the whole text (bounds what JSON.parse would build); unbounded when absent. */
  maxValues?: number;
  /** Whether to check string contents (escapes, control characters, lone surrogates). */
  checkStrings?: boolean;
}

export type JsonProblem =
  | { kind: 'syntax'; at: number; message: string }
  | { kind: 'depth'; at: number }
  | { kind: 'duplicate-key'; at: number; key: string }
  | { kind: 'too-many-members'; at: number }
  | { kind: 'too-many-values'; at: number }
  | { kind: 'lone-surrogate'; at: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON forbids in strings
const CONTROL = /[\u0000-\u001f]/;

/** The first problem of `text` as strict JSON, or undefined when it is strict JSON within the limits. */
export function checkStrictJson(text: string, limits: StrictJsonLimits): JsonProblem | undefined {
  const checkStrings = limits.checkStrings ?? true;
  const n = text.length;
  // Open containers: a Set of member names for an object, null for an array.
  const stack: (Set<string> | null)[] = [];
  const maxValues = limits.maxValues ?? Number.POSITIVE_INFINITY;
  let values = 0;
  let i = skipWs(text, 0);
  for (;;) {
    // A value starts at i.
    if (i >= n) return syntax(i, 'unexpected end of JSON');
    if (++values > maxValues) return { kind: 'too-many-values', at: i };
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      if (stack.length + 1 > limits.maxDepth) return { kind: 'depth', at: i };
      const close = c === 0x7b ? 0x7d : 0x5d;
      i = skipWs(text, i + 1);
      if (text.charCodeAt(i) === close) {
        i++;
      } else if (c === 0x7b) {
        const keys = new Set<string>();
        stack.push(keys);
        const p = readMember(keys);
        if (p) return p;
        continue;
      } else {
        stack.push(null);
        continue;
      }
    } else if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (end < 0) return syntax(i, 'unterminated string');
      if (checkStrings) {
        const p = checkString(text, i, end);
        if (p) return p;
      }
      i = end;
    } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
      const word = c === 0x74 ? 'true' : c === 0x66 ? 'false' : 'null';
      if (!text.startsWith(word, i)) return syntax(i, 'unexpected token');
      i += word.length;
    } else {
      NUMBER.lastIndex = i;
      if (!NUMBER.test(text)) return syntax(i, 'unexpected token');
      i = NUMBER.lastIndex;
    }
    // After a value: close containers and find the next value.
    for (;;) {
      i = skipWs(text, i);
      const top = stack.at(-1);
      if (top === undefined) return i === n ? undefined : syntax(i, 'unexpected data after the JSON value');
      const d = text.charCodeAt(i);
      if (d === 0x2c) {
        i = skipWs(text, i + 1);
        if (top !== null) {
          const p = readMember(top);
          if (p) return p;
        }
        break;
      }
      if (d === (top === null ? 0x5d : 0x7d)) {
        stack.pop();
        i++;
        continue;
      }
      return syntax(i, top === null ? 'expected , or ]' : 'expected , or }');
    }
  }

  /** At i: `"name"` `:`; leaves i at the member's value. */
  function readMember(keys: Set<string>): JsonProblem | undefined {
    if (text.charCodeAt(i) !== QUOTE) return syntax(i, 'expected a member name');
    const end = stringEnd(text, i);
    if (end < 0) return syntax(i, 'unterminated string');
    let key = text.slice(i + 1, end - 1);
    if (key.includes('\\') || CONTROL.test(key)) {
      const p = checkString(text, i, end);
      if (p) return p;
      key = JSON.parse(text.slice(i, end)) as string; // a name: short, decoded only when escaped
    }
    if (keys.has(key)) return { kind: 'duplicate-key', at: i, key };
    if (keys.size >= limits.maxMembers) return { kind: 'too-many-members', at: i };
    keys.add(key);
    i = skipWs(text, end);
    if (text.charCodeAt(i) !== 0x3a) return syntax(i, 'expected :');
    i = skipWs(text, i + 1);
    return undefined;
  }
}

function syntax(at: number, message: string): JsonProblem {
  return { kind: 'syntax', at, message };
}

function skipWs(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
}

/** Index just past the quote closing the string that opens at `at`, or -1. */
function stringEnd(text: string, at: number): number {
  let q = text.indexOf('"', at + 1);
  while (q >= 0) {
    let slashes = 0;
    while (text.charCodeAt(q - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q + 1;
    q = text.indexOf('"', q + 1);
  }
  return -1;
}

/**
 * Escapes and control characters as JSON.parse checks them, and no escaped lone surrogate
 * (raw text is already well-formed, so a pair is either raw or escaped in full). Walks the
 * escapes only and copies nothing: a 25 MiB string costs one regex test and its escapes.
 */
function checkString(text: string, from: number, to: number): JsonProblem | undefined {
  // The contents as a slice: a view in V8 (no copy), so every search stops at the string's end.
  const body = text.slice(from + 1, to - 1);
  if (CONTROL.test(body)) return syntax(from, 'control character in a string');
  let k = body.indexOf('\\');
  let pendingHigh = false;
  while (k >= 0) {
    const e = body.charCodeAt(k + 1);
    if (e === 0x75) {
      const hex = body.slice(k + 2, k + 6);
      if (!HEX4.test(hex)) return syntax(from + 1 + k, 'bad \\u escape in a string');
      const unit = Number.parseInt(hex, 16);
      const isHigh = unit >= 0xd800 && unit <= 0xdbff;
      const isLow = unit >= 0xdc00 && unit <= 0xdfff;
      if (pendingHigh !== isLow) return { kind: 'lone-surrogate', at: from + 1 + k };
      pendingHigh = isHigh;
      const next = k + 6;
      k = body.indexOf('\\', next);
      if (pendingHigh && k !== next) return { kind: 'lone-surrogate', at: from + 1 + next };
      continue;
    }
    if (pendingHigh) return { kind: 'lone-surrogate', at: from + 1 + k };
    if (!SIMPLE_ESCAPES.has(e)) return syntax(from + 1 + k, 'bad escape in a string');
    k = body.indexOf('\\', k + 2);
  }
  return undefined;
}

const HEX4 = /^[0-9a-fA-F]{4}$/;
/** The characters after a backslash that JSON allows besides u: " \\ / b f n r t. */
const SIMPLE_ESCAPES = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);

/** A one-line description of a problem (no caller text beyond a bounded key prefix). */
export function describeJsonProblem(p: JsonProblem): string {
  switch (p.kind) {
    case 'syntax':
      return `${p.message} at character ${p.at}`;
    case 'depth':
      return `nesting too deep at character ${p.at}`;
    case 'duplicate-key':
      return `duplicate member name ${JSON.stringify(p.key.slice(0, 64))}${p.key.length > 64 ? '…' : ''} at character ${p.at}`;
    case 'too-many-members':
      return `too many members in one object at character ${p.at}`;
    case 'too-many-values':
      return `too many values at character ${p.at}`;
    case 'lone-surrogate':
      return `a string escapes a lone surrogate (not Unicode text) at character ${p.at}`;
  }
}
