import { ProvenanceError } from '../errors.ts';

/** Why a key could not be loaded or used; each names the problem for the operator. */
export type KeyErrorCode =
  | 'KEY_NOT_FOUND'
  | 'UNREADABLE_KEY'
  | 'UNSUPPORTED_KEY'
  | 'UNSUPPORTED_CURVE'
  | 'NOT_A_PRIVATE_KEY'
  | 'NOT_A_PUBLIC_KEY'
  | 'ENCRYPTED_PEM'
  | 'NO_PASSWORD'
  | 'EMPTY_PASSWORD'
  | 'WRONG_PASSWORD'
  | 'TAMPERED_KEY'
  | 'SCRYPT_PARAMS_REFUSED'
  | 'UNSUPPORTED_KDF'
  | 'UNSUPPORTED_CIPHER'
  | 'NO_KEYS'
  | 'UNKNOWN_KEY_SOURCE';

export function keyError(
  code: KeyErrorCode,
  message: string,
  cause?: unknown,
): ProvenanceError<KeyErrorCode> {
  return new ProvenanceError<KeyErrorCode>(code, message, cause === undefined ? undefined : { cause });
}
