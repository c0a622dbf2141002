import { ProvenanceError } from '../errors.ts';

/** Why an envelope was refused; callers and tests branch on these codes. */
export type DsseErrorCode =
  | 'TRUNCATED_JSON'
  | 'MALFORMED_ENVELOPE'
  | 'ENVELOPE_TOO_LARGE'
  | 'MALFORMED_BASE64'
  | 'WRONG_PAYLOAD_TYPE'
  | 'NO_SIGNATURES'
  | 'NO_SIGNERS'
  | 'BAD_THRESHOLD'
  | 'UNKNOWN_KEY'
  | 'BAD_SIGNATURE';

export function dsseError(
  code: DsseErrorCode,
  message: string,
  cause?: unknown,
): ProvenanceError<DsseErrorCode> {
  return new ProvenanceError<DsseErrorCode>(code, message, cause === undefined ? undefined : { cause });
}
