import { ProvenanceError } from '../signer/errors.ts';

/**
 * Why the admission webhook refused a review or an image. Each code is one metrics `reason`
 * label and one log line; `MALFORMED_REVIEW` and `REVIEW_TOO_LARGE` are answered HTTP 400
 * (the request is not an AdmissionReview), every other code is a denial the user reads.
 */
export type AdmissionErrorCode =
  // the request is not a usable AdmissionReview: HTTP 400
  | 'MALFORMED_REVIEW'
  | 'REVIEW_TOO_LARGE'
  // per image: denied (or warned about, in warn mode)
  | 'NOT_VERIFIED'
  | 'NOT_PINNED'
  | 'NO_POLICY'
  | 'POLICY_INVALID'
  | 'KEYS_UNAVAILABLE'
  | 'BAD_IMAGE_REFERENCE'
  | 'IMAGE_NOT_FOUND'
  | 'REGISTRY_UNAVAILABLE'
  | 'REGISTRY_AUTH'
  | 'VERIFICATION_TIMEOUT'
  | 'OVERLOADED'
  // our side failed
  | 'INTERNAL';

export type AdmissionError = ProvenanceError<AdmissionErrorCode>;

export function admissionError(code: AdmissionErrorCode, message: string, cause?: unknown): AdmissionError {
  return new ProvenanceError<AdmissionErrorCode>(code, message, cause === undefined ? undefined : { cause });
}

/** Codes that mean "this request cannot be an AdmissionReview": answered with HTTP 400. */
export function isUnusableReview(code: string): boolean {
  return code === 'MALFORMED_REVIEW' || code === 'REVIEW_TOO_LARGE';
}

/**
 * Registry and storage codes (signer/storage/errors.ts) mapped onto ours, so that a denial
 * says "registry unavailable" rather than a storage-internal name.
 */
export function fromStorageCode(code: string): AdmissionErrorCode {
  switch (code) {
    case 'REGISTRY_UNAVAILABLE':
    case 'REGISTRY_AUTH':
    case 'IMAGE_NOT_FOUND':
    case 'BAD_IMAGE_REFERENCE':
      return code;
    case 'REGISTRY_REJECTED':
    case 'REGISTRY_RESPONSE_TOO_LARGE':
    case 'MANIFEST_INVALID':
      return 'REGISTRY_UNAVAILABLE';
    default:
      return 'NOT_VERIFIED';
  }
}
