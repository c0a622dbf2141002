import { isUtf8 } from 'node:buffer';
import { interceptorError } from '../errors.ts';
import { checkStrictJson, describeJsonProblem } from '../../signer/limits/strict-json.ts';
import { echo, textProblem, TEXT_LIMITS } from '../../signer/limits/text.ts';
import { scanRequest } from './request-scan.ts';
import type { InterceptorRequest, TriggerContext } from './types.ts';

/** Nesting allowed in the outer InterceptorRequest (params and extensions are shallow). */
export const MAX_REQUEST_DEPTH = 32;
/** Members of one object in the InterceptorRequest (headers are at most MAX_HEADERS). */
const MAX_REQUEST_MEMBERS = 1024;
/** JSON values in the whole InterceptorRequest (the body is ONE string value; real requests hold a few hundred). */
const MAX_REQUEST_VALUES = 100_000;

/**
 * Turns the raw HTTP body into a typed InterceptorRequest, or throws a 400-class error
 * (MALFORMED_REQUEST, REQUEST_INVALID_UTF8, MISSING_CONTEXT) naming what is unusable.
 * Size is bounded by the HTTP layer before this runs.
 */
export function parseInterceptorRequest(raw: Buffer): InterceptorRequest {
  // Buffer#toString would silently turn invalid bytes into U+FFFD and change the digest.
  if (!isUtf8(raw)) throw interceptorError('REQUEST_INVALID_UTF8', 'InterceptorRequest is not valid UTF-8');
  const text = raw.toString('utf8');
  const scan = scanRequest(text, MAX_REQUEST_DEPTH);
  if (scan.tooDeep) {
    throw interceptorError('MALFORMED_REQUEST', `InterceptorRequest nests deeper than ${MAX_REQUEST_DEPTH} levels`);
  }
  // Strict before JSON.parse: duplicate member names (JSON.parse keeps the last silently) and
  // a bound on values, so `extensions` or `header` arrays of millions of tiny values are
  // refused before they are built. String contents are left to JSON.parse.
  const problem = checkStrictJson(text, { maxDepth: MAX_REQUEST_DEPTH, maxMembers: MAX_REQUEST_MEMBERS, maxValues: MAX_REQUEST_VALUES, checkStrings: false });
  if (problem !== undefined) {
    const what = problem.kind === 'syntax' ? 'valid' : 'strict';
    throw interceptorError('MALFORMED_REQUEST', `InterceptorRequest is not ${what} JSON: ${describeJsonProblem(problem)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw interceptorError('MALFORMED_REQUEST', `InterceptorRequest is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(value)) throw interceptorError('MALFORMED_REQUEST', 'InterceptorRequest is not a JSON object');
  if (typeof value.body !== 'string') {
    throw interceptorError('MALFORMED_REQUEST', `InterceptorRequest "body" must be a string, got ${kindOf(value.body)}`);
  }
  return {
    body: value.body,
    ...(scan.bodyJson !== undefined && scan.bodyAt !== undefined && scan.bodyJson.length >= value.body.length + 2
      ? { bodyJson: textBytes(raw, text, scan.bodyAt, scan.bodyJson) }
      : {}),
    header: parseHeader(value.header),
    extensions: optionalObject(value.extensions, 'extensions'),
    interceptor_params: optionalObject(value.interceptor_params, 'interceptor_params'),
    context: parseContext(value.context),
  };
}

/**
 * The bytes of `part`, found at character index `at` of `text` (which was decoded from the
 * valid UTF-8 `raw`): a view into `raw`, so a body of up to 25 MiB is not encoded again.
 * Same bytes as Buffer.from(part): `at` and the end of `part` are quote characters, never
 * inside a surrogate pair, so character and byte boundaries line up.
 */
export function textBytes(raw: Buffer, text: string, at: number, part: string): Buffer {
  // Equal lengths: every character is one byte (ASCII), character indexes are byte offsets.
  if (raw.length === text.length) return raw.subarray(at, at + part.length);
  const from = Buffer.byteLength(text.slice(0, at), 'utf8');
  return raw.subarray(from, from + Buffer.byteLength(part, 'utf8'));
}

/** The signer refuses records with more headers or longer context strings (docs/signer.md). */
export const MAX_HEADERS = 512;
const MAX_CONTEXT_CHARS = TEXT_LIMITS.short;

function parseHeader(value: unknown): Record<string, string[]> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw interceptorError('MALFORMED_REQUEST', '"header" must be an object of string arrays');
  const count = Object.keys(value).length;
  if (count > MAX_HEADERS) throw interceptorError('MALFORMED_REQUEST', `"header" has ${count} headers (at most ${MAX_HEADERS})`);
  const out: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(value)) {
    const nameProblem = textProblem(name, TEXT_LIMITS.headerName);
    if (nameProblem) throw interceptorError('MALFORMED_REQUEST', `header name ${echo(name)} ${nameProblem}`);
    if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) {
      throw interceptorError('MALFORMED_REQUEST', `header ${echo(name)} must be an array of strings`);
    }
    if (values.length > TEXT_LIMITS.valuesPerHeader) {
      throw interceptorError('MALFORMED_REQUEST', `header ${echo(name)} has ${values.length} values (at most ${TEXT_LIMITS.valuesPerHeader})`);
    }
    for (const v of values as string[]) {
      const p = textProblem(v, TEXT_LIMITS.headerValue);
      if (p) throw interceptorError('MALFORMED_REQUEST', `a value of header ${echo(name)} ${p}`);
    }
    out[name] = values as string[];
  }
  return out;
}

/** Triggers labels created runs with the event id, so it must be a label value (the signer checks the same). */
const EVENT_ID = /^[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

function parseContext(value: unknown): TriggerContext {
  if (value === undefined || value === null) {
    throw interceptorError('MISSING_CONTEXT', 'InterceptorRequest has no "context" (event_id, trigger_id)');
  }
  if (!isObject(value)) throw interceptorError('MISSING_CONTEXT', '"context" must be an object');
  const { event_id, event_url, trigger_id } = value;
  if (typeof event_id !== 'string' || !EVENT_ID.test(event_id)) {
    throw interceptorError('MISSING_CONTEXT', '"context.event_id" must be a label value (1-63 letters, digits, - _ .)');
  }
  if (event_url !== undefined && (typeof event_url !== 'string' || textProblem(event_url, MAX_CONTEXT_CHARS))) {
    throw interceptorError('MISSING_CONTEXT', `"context.event_url" must be well-formed text of at most ${MAX_CONTEXT_CHARS} characters`);
  }
  if (typeof trigger_id !== 'string' || textProblem(trigger_id, MAX_CONTEXT_CHARS)) {
    throw interceptorError('MISSING_CONTEXT', `"context.trigger_id" must be well-formed text of at most ${MAX_CONTEXT_CHARS} characters`);
  }
  return { event_id, event_url: event_url ?? '', trigger_id };
}

function optionalObject(value: unknown, name: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw interceptorError('MALFORMED_REQUEST', `"${name}" must be an object`);
  return value;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** `namespaces/<ns>/triggers/<name>` -> its namespace, or undefined when not in that form. */
export function triggerNamespace(triggerId: string): string | undefined {
  const m = /^namespaces\/([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)\/(cluster)?triggers\/[^/]+$/.exec(triggerId);
  return m?.[1];
}
