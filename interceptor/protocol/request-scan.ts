import { endOfString } from './json-depth.ts';

export interface RequestScan {
  tooDeep: boolean;
  /**
   * The top-level `"body"` member's string value exactly as written in the request (quotes
   * and escapes included), when it could be located unambiguously. Reusing it saves
   * re-escaping a body of up to 25 MiB when the statement is built.
   */
  bodyJson?: string;
  /** Where `bodyJson` starts in the scanned text (a character index). */
  bodyAt?: number;
}

/**
 * One pass over the InterceptorRequest text (the same pass as exceedsJsonDepth): refuses
 * nesting deeper than `limit` and finds the raw JSON string of the top-level "body" member.
 * JSON.parse keeps the LAST duplicate key, so the last `"body"` key counts; a top-level key
 * written with escapes (which could decode to "body") makes the location ambiguous, and then
 * nothing is returned (callers re-escape the parsed body instead). Invalid JSON is left for
 * JSON.parse to report. The signer re-checks the body against its digest, so a wrong
 * location could only ever cause a refusal, never a signature over another body.
 */
export function scanRequest(text: string, limit: number): RequestScan {
  let depth = 0;
  let expectKey = false;
  let keyIsBody = false;
  let plainKeys = true;
  let start = -1;
  let end = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const close = endOfString(text, i + 1);
      if (close < 0) return { tooDeep: false };
      if (depth === 1) {
        if (expectKey) {
          const slash = text.indexOf('\\', i + 1);
          if (slash >= 0 && slash < close) plainKeys = false;
          keyIsBody = close - i === 5 && text.startsWith('body', i + 1);
          if (keyIsBody) start = end = -1; // a later duplicate replaces an earlier value
          expectKey = false;
        } else if (keyIsBody) {
          start = i;
          end = close + 1;
        }
      }
      i = close;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return { tooDeep: true };
      if (depth === 1) expectKey = c === 0x7b;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    } else if (c === 0x2c && depth === 1) {
      expectKey = true;
    }
  }
  return plainKeys && start >= 0 ? { tooDeep: false, bodyJson: text.slice(start, end), bodyAt: start } : { tooDeep: false };
}
