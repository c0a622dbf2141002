import { ProvenanceError } from '../errors.ts';

/**
 * Why the signer could not establish a webhook's authenticity. These DETAIL codes go to the
 * signer's log and a Kubernetes Event on the Trigger only; callers always get the one answer
 * `NOT_AUTHENTIC` (signer/authenticity/authenticator.ts), so the socket is no oracle for
 * whether a Secret exists, has a key, or carries the opt-in label.
 */
export type AuthFailureCode =
  | 'MISSING_SIGNATURE' // no authenticity header for the provider
  | 'MALFORMED_SIGNATURE' // the header is not `<algo>=<hex>` of an allowed algorithm
  | 'SIGNATURE_MISMATCH' // the HMAC differs: wrong secret or altered body
  | 'TOKEN_MISMATCH' // X-Gitlab-Token differs from the secret
  | 'SECRET_NOT_FOUND' // no such Secret in the trigger's namespace (or not readable)
  | 'SECRET_NOT_LABELLED' // the Secret lacks tekton-provenance.dev/webhook-secret: "true"
  | 'SECRET_KEY_MISSING' // the Secret has no such key, or it is empty
  | 'SECRET_LOOKUP_FAILED' // the API failed (not the caller's doing: not rate-limited)
  | 'INVALID_TRIGGER_ID'; // context.triggerId is not namespaces/<ns>/triggers/<name>

export type AuthFailure = ProvenanceError<AuthFailureCode>;

export function authFailure(code: AuthFailureCode, message: string, cause?: unknown): AuthFailure {
  return new ProvenanceError<AuthFailureCode>(code, message, cause === undefined ? undefined : { cause });
}
