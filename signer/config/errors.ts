import { ProvenanceError } from '../errors.ts';

/** What is wrong with the ConfigMap; the message names the key and the accepted values. */
export type ConfigErrorCode =
  | 'UNKNOWN_KEY'
  | 'UNKNOWN_FORMAT'
  | 'UNKNOWN_STORAGE'
  | 'UNKNOWN_SIGNER'
  | 'MISSING_KEY'
  | 'INVALID_VALUE'
  | 'UNSUPPORTED_FEATURE';

export function configError(code: ConfigErrorCode, message: string): ProvenanceError<ConfigErrorCode> {
  return new ProvenanceError<ConfigErrorCode>(code, message);
}
