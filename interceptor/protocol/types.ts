/**
 * The Tekton Triggers interceptor protocol (triggers.tekton.dev/v1beta1 InterceptorRequest /
 * InterceptorResponse), with the JSON names the EventListener sends.
 */
export interface TriggerContext {
  event_url: string;
  event_id: string;
  trigger_id: string;
}

export interface InterceptorRequest {
  /** The webhook body as ONE string, byte-exact (sha256 of its UTF-8 bytes is the event digest). */
  body: string;
  /**
   * `body` as the JSON string literal it was sent as (quotes, escapes), when located: its
   * exact bytes in the request. The statement reuses them instead of escaping and encoding
   * the body again (see request-scan.ts).
   */
  bodyJson?: Buffer;
  /** Go-canonicalised header names; look them up case-insensitively. */
  header: Record<string, string[]>;
  extensions: Record<string, unknown>;
  interceptor_params: Record<string, unknown>;
  context: TriggerContext;
}

export interface InterceptorStatus {
  code: number;
  message: string;
}

export interface InterceptorResponse {
  continue: boolean;
  status?: InterceptorStatus;
  /** Merged by top-level key by the EL: we write ONLY under `provenance`, string values only. */
  extensions?: { provenance: Record<string, string> };
}

/** The one top-level extensions key this interceptor writes. */
export const EXTENSIONS_KEY = 'provenance';
