import { ProvenanceError } from '../signer/errors.ts';

/**
 * Why the interceptor refused or could not sign an event. Each code maps to one answer
 * (HTTP 400 for an unusable request, else a gRPC code in a `continue: false` response),
 * one metrics `reason` label and one log line.
 */
export type InterceptorErrorCode =
  // the InterceptorRequest itself is unusable: HTTP 400
  | 'MALFORMED_REQUEST'
  | 'REQUEST_TOO_LARGE'
  | 'REQUEST_INVALID_UTF8'
  | 'MISSING_CONTEXT'
  // the event is bad: continue false, gRPC 3 InvalidArgument
  | 'INVALID_PARAMS'
  | 'INVALID_TRIGGER_ID'
  | 'BODY_TOO_LARGE'
  | 'BODY_NOT_WELL_FORMED'
  | 'BODY_TOO_DEEP'
  | 'BODY_NOT_JSON'
  | 'BODY_DUPLICATE_KEY'
  | 'BODY_TOO_WIDE'
  | 'MISSING_SIGNATURE'
  // the signer could not establish authenticity (one answer for a wrong signature or token,
  // a missing or unlabelled Secret, a missing key: details only in the signer's log and Events)
  | 'NOT_AUTHENTIC'
  // a precondition is not met: gRPC 9 FailedPrecondition
  | 'EVENT_TYPE_NOT_ALLOWED'
  // too many failed checks from this source for this trigger: gRPC 8 ResourceExhausted
  | 'AUTH_RATE_LIMITED'
  // our side failed: gRPC 13 Internal / 14 Unavailable
  | 'INTERCEPTOR_BUSY'
  | 'SIGNER_UNAVAILABLE'
  | 'SIGNER_TIMEOUT'
  | 'SIGNER_REJECTED'
  | 'SIGNER_BAD_RESPONSE'
  | 'STORE_UNAVAILABLE'
  | 'EVENT_CONFLICT'
  | 'INTERNAL';

export type InterceptorError = ProvenanceError<InterceptorErrorCode>;

export function interceptorError(code: InterceptorErrorCode, message: string, cause?: unknown): InterceptorError {
  return new ProvenanceError<InterceptorErrorCode>(code, message, cause === undefined ? undefined : { cause });
}

/** gRPC status codes the EventListener understands (google.golang.org/grpc/codes). */
export const GRPC = { INVALID_ARGUMENT: 3, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, INTERNAL: 13, UNAVAILABLE: 14 } as const;

const REQUEST_CODES = new Set<InterceptorErrorCode>([
  'MALFORMED_REQUEST',
  'REQUEST_TOO_LARGE',
  'REQUEST_INVALID_UTF8',
  'MISSING_CONTEXT',
]);

/** Codes that mean "this request cannot be an InterceptorRequest": answered with HTTP 400. */
export function isUnusableRequest(code: InterceptorErrorCode): boolean {
  return REQUEST_CODES.has(code);
}

/** The gRPC code a `continue: false` answer carries for each refusal. */
export function grpcCodeOf(code: InterceptorErrorCode): number {
  switch (code) {
    case 'EVENT_TYPE_NOT_ALLOWED':
    case 'EVENT_CONFLICT':
      return GRPC.FAILED_PRECONDITION;
    case 'AUTH_RATE_LIMITED':
      return GRPC.RESOURCE_EXHAUSTED;
    case 'INTERCEPTOR_BUSY':
    case 'SIGNER_UNAVAILABLE':
    case 'SIGNER_TIMEOUT':
    case 'STORE_UNAVAILABLE':
      return GRPC.UNAVAILABLE;
    case 'SIGNER_REJECTED':
    case 'SIGNER_BAD_RESPONSE':
    case 'INTERNAL':
      return GRPC.INTERNAL;
    default:
      return GRPC.INVALID_ARGUMENT;
  }
}

/**
 * Failures the `failurePolicy: Ignore` param may let through unsigned: authenticity, secret
 * lookup and signer/store failures (what the issue names). Bad input (body not JSON, too deep,
 * bad params) and event-type filtering are always refused: letting them through would not
 * help any later interceptor.
 */
export function isIgnorable(code: InterceptorErrorCode): boolean {
  switch (code) {
    case 'MISSING_SIGNATURE':
    case 'NOT_AUTHENTIC':
    case 'AUTH_RATE_LIMITED':
    case 'SIGNER_UNAVAILABLE':
    case 'SIGNER_TIMEOUT':
    case 'SIGNER_REJECTED':
    case 'SIGNER_BAD_RESPONSE':
    case 'STORE_UNAVAILABLE':
    case 'EVENT_CONFLICT':
      return true;
    default:
      return false;
  }
}
