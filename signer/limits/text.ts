/**
 * The one set of rules for caller strings that are signed or logged, shared by the interceptor
 * (which builds the statement) and the signer (which validates it): well-formed Unicode (no
 * lone surrogate: it has no UTF-8 form, so two readers would disagree about the text), and a
 * length per kind. And how much of a caller string any answer or log line may echo.
 */
export const TEXT_LIMITS = {
  /** Header names (HTTP servers allow far less in practice). */
  headerName: 256,
  /** One header value (nginx's default header line limit is 8 KiB). */
  headerValue: 8192,
  /** Values of one header name. */
  valuesPerHeader: 64,
  /** Context strings, authenticity words, interceptor identity. */
  short: 4096,
} as const;

/** Most characters of a caller string any answer or log line shows. */
export const ECHO_CHARS = 64;

/** Why `s` breaks the text rules for a string of at most `max` characters, or undefined. */
export function textProblem(s: string, max: number): string | undefined {
  if (s.length > max) return `is longer than ${max} characters`;
  if (!s.isWellFormed()) return 'is not well-formed Unicode (it holds a lone surrogate)';
  return undefined;
}

/**
 * A caller string as an answer or log line may show it: JSON-quoted, at most `max`
 * characters, lone surrogates replaced; longer ones say how long they were.
 */
export function echo(s: string, max: number = ECHO_CHARS): string {
  if (s.length <= max) return JSON.stringify(s.toWellFormed());
  return `${JSON.stringify(s.slice(0, max).toWellFormed())}…(${s.length} characters)`;
}

/** Most characters of one string field in a log line, whatever the caller passed. */
export const LOG_FIELD_CHARS = 1024;

/** Log fields with every string clipped to LOG_FIELD_CHARS (the loggers' last line of defence). */
export function clipLogFields<T extends Record<string, unknown>>(fields: T | undefined): T | undefined {
  if (fields === undefined) return undefined;
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v === 'string' && (v.length > LOG_FIELD_CHARS || !v.isWellFormed())) {
      out ??= { ...fields };
      out[k] = v.length > LOG_FIELD_CHARS ? `${v.slice(0, LOG_FIELD_CHARS).toWellFormed()}…(${v.length} characters)` : v.toWellFormed();
    }
  }
  return (out as T | undefined) ?? fields;
}
