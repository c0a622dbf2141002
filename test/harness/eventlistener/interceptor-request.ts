import type { GoHeader } from './go-header.ts';
import { goHtmlEscape, goMarshal } from './go-json.ts';

/** What the EventListener POSTs to every interceptor (Triggers `InterceptorRequest`). */
export interface InterceptorRequest {
  /** The webhook body as ONE string (Go `string(bytes)`); omitted by Go when empty. */
  body?: string;
  header?: GoHeader;
  extensions?: Record<string, unknown>;
  interceptor_params?: Record<string, unknown>;
  context: { event_url?: string; event_id?: string; trigger_id?: string };
}

/** What an interceptor answers (Triggers `InterceptorResponse`). A missing `continue` is false. */
export interface InterceptorResponse {
  continue: boolean;
  extensions?: Record<string, unknown>;
  status?: { code?: number; message?: string };
}

/** Inputs of one interceptor call, before encoding. */
export interface InterceptorRequestInput {
  body: string;
  header: GoHeader;
  extensions: Record<string, unknown>;
  interceptorParams: Record<string, unknown>;
  eventUrl: string;
  eventId: string;
  triggerId: string;
}

function nonEmpty(m: Record<string, unknown>): boolean {
  return Object.keys(m).length > 0;
}

/**
 * Encodes the request exactly as Go's json.Marshal does: struct field order
 * body, header, extensions, interceptor_params, context; `omitempty` on the first four;
 * map keys sorted; HTML characters escaped as \u003c etc. (decoders get the same string back).
 */
export function encodeInterceptorRequest(input: InterceptorRequestInput): Buffer {
  const parts: string[] = [];
  if (input.body !== '') parts.push(`"body":${goHtmlEscape(JSON.stringify(input.body))}`);
  if (nonEmpty(input.header)) parts.push(`"header":${goMarshal(input.header)}`);
  if (nonEmpty(input.extensions)) parts.push(`"extensions":${goMarshal(input.extensions)}`);
  if (nonEmpty(input.interceptorParams)) parts.push(`"interceptor_params":${goMarshal(input.interceptorParams)}`);
  const context: Record<string, string> = {};
  if (input.eventUrl) context['event_url'] = input.eventUrl;
  if (input.eventId) context['event_id'] = input.eventId;
  if (input.triggerId) context['trigger_id'] = input.triggerId;
  parts.push(`"context":${goMarshal(context, false)}`);
  return Buffer.from(`{${parts.join(',')}}`, 'utf8');
}

/**
 * Go's json.Unmarshal into InterceptorResponse: field names match case-insensitively,
 * unknown fields are ignored, a missing `continue` is false. Throws on invalid JSON or a
 * top-level value that is not an object.
 */
export function decodeInterceptorResponse(bytes: Buffer): InterceptorResponse {
  const parsed: unknown = JSON.parse(bytes.toString('utf8'));
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('the interceptor response is not a JSON object');
  }
  const field = (name: string): unknown => {
    const entries = Object.entries(parsed as Record<string, unknown>);
    return (entries.find(([k]) => k === name) ?? entries.find(([k]) => k.toLowerCase() === name))?.[1];
  };
  const cont = field('continue');
  const ext = field('extensions');
  const status = field('status');
  if (cont !== undefined && cont !== null && typeof cont !== 'boolean') throw new Error('"continue" is not a boolean');
  if (ext !== undefined && ext !== null && (typeof ext !== 'object' || Array.isArray(ext))) {
    throw new Error('"extensions" is not an object');
  }
  const out: InterceptorResponse = { continue: cont === true };
  if (ext) out.extensions = ext as Record<string, unknown>;
  if (status && typeof status === 'object') out.status = status as InterceptorResponse['status'];
  return out;
}
