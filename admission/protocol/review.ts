import { admissionError } from '../errors.ts';

/** What the API server sends (admission.k8s.io/v1 AdmissionReview.request), as far as we read it. */
export interface AdmissionRequest {
  uid: string;
  kind: { group: string; version: string; kind: string };
  namespace?: string;
  name?: string;
  operation: string;
  object?: KubeObject;
  dryRun?: boolean;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; generateName?: string; namespace?: string; uid?: string; labels?: Record<string, string> };
  spec?: unknown;
  [key: string]: unknown;
}

/** One RFC 6902 operation of a mutating answer. */
export interface JsonPatchOp {
  op: 'replace';
  path: string;
  value: string;
}

/** AdmissionReview.response: the webhook's answer. */
export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string; reason?: string };
  warnings?: string[];
  patchType?: 'JSONPatch';
  /** base64 of the JSON patch array. */
  patch?: string;
}

export const REVIEW_API_VERSION = 'admission.k8s.io/v1';

/**
 * Parses the raw body of an AdmissionReview v1 request. Anything that is not one (wrong
 * apiVersion or kind, no request.uid) is MALFORMED_REVIEW: the API server always sends these.
 */
export function parseAdmissionReview(raw: Buffer): AdmissionRequest {
  let doc: unknown;
  try {
    doc = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw admissionError('MALFORMED_REVIEW', `the body is not JSON: ${(err as Error).message}`);
  }
  const review = (doc ?? {}) as { apiVersion?: unknown; kind?: unknown; request?: Partial<AdmissionRequest> };
  if (review.apiVersion !== REVIEW_API_VERSION || review.kind !== 'AdmissionReview') {
    throw admissionError('MALFORMED_REVIEW', `expected an ${REVIEW_API_VERSION} AdmissionReview, got ${String(review.apiVersion)} ${String(review.kind)}`);
  }
  const req = review.request;
  if (typeof req?.uid !== 'string' || req.uid === '') throw admissionError('MALFORMED_REVIEW', 'the AdmissionReview has no request.uid');
  if (typeof req.kind?.kind !== 'string' || typeof req.operation !== 'string') {
    throw admissionError('MALFORMED_REVIEW', 'the AdmissionReview request has no kind or operation');
  }
  return req as AdmissionRequest;
}

/** Wraps a response the way the API server expects it back. */
export function reviewBody(response: AdmissionResponse): { apiVersion: string; kind: string; response: AdmissionResponse } {
  return { apiVersion: REVIEW_API_VERSION, kind: 'AdmissionReview', response };
}

/** The uid of a request we could not parse fully (so even a 400 can be correlated in logs). */
export function uidOf(raw: Buffer): string {
  const m = /"uid"\s*:\s*"([^"]{1,128})"/.exec(raw.subarray(0, 4096).toString('utf8'));
  return m?.[1] ?? '';
}
