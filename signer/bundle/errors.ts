import { ProvenanceError } from '../errors.ts';

/** Why a sigstore bundle was refused (shares the DSSE codes where the meaning is the same). */
export type BundleErrorCode =
  | 'TRUNCATED_JSON'
  | 'MALFORMED_BUNDLE'
  | 'NOT_DSSE_BUNDLE'
  | 'WRONG_PAYLOAD_TYPE'
  | 'UNKNOWN_KEY'
  | 'BAD_SIGNATURE'
  | 'UNSUPPORTED_BUNDLE_KEY';

export function bundleError(
  code: BundleErrorCode,
  message: string,
  cause?: unknown,
): ProvenanceError<BundleErrorCode> {
  return new ProvenanceError<BundleErrorCode>(code, message, cause === undefined ? undefined : { cause });
}
