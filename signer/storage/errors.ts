import { ProvenanceError } from '../errors.ts';

/** Why a storage backend refused or failed; the controller retries the transient ones. */
export type StorageErrorCode =
  | 'UNKNOWN_STORAGE'
  | 'STORAGE_MISCONFIGURED'
  | 'NO_IMAGE_SUBJECTS'
  | 'NOT_APPLICABLE'
  | 'ANNOTATION_BUDGET_EXCEEDED'
  | 'RUN_GONE'
  | 'RUN_CONFLICT'
  | 'REGISTRY_UNAVAILABLE'
  | 'REGISTRY_AUTH'
  | 'REGISTRY_REJECTED'
  | 'REGISTRY_RESPONSE_TOO_LARGE'
  | 'BAD_IMAGE_REFERENCE'
  | 'MANIFEST_INVALID'
  | 'SQLITE_FAILED';

export function storageError(code: StorageErrorCode, message: string, cause?: unknown): ProvenanceError<StorageErrorCode> {
  return new ProvenanceError<StorageErrorCode>(code, message, cause === undefined ? undefined : { cause });
}

/** The backend has nothing to do for this attestation (not a failure: another backend must store it). */
export function isNotApplicable(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return code === 'NO_IMAGE_SUBJECTS' || code === 'NOT_APPLICABLE';
}

/** Errors worth retrying later (network, 5xx, conflicts); the rest are configuration or data faults. */
export function isTransientStorageError(err: unknown): boolean {
  if (!(err instanceof ProvenanceError)) return true;
  return ['REGISTRY_UNAVAILABLE', 'RUN_CONFLICT', 'SQLITE_FAILED'].includes(err.code);
}
