import { ProvenanceError } from '../errors.ts';

/** Controller-level failures (storage and model errors keep their own codes). */
export type ControllerErrorCode =
  | 'TEKTON_API_UNAVAILABLE'
  | 'NOTHING_STORED'
  | 'LEASE_LOST'
  | 'KUBE_REQUEST_FAILED'
  | 'JOURNAL_FAILED';

export function controllerError(code: ControllerErrorCode, message: string, cause?: unknown): ProvenanceError<ControllerErrorCode> {
  return new ProvenanceError<ControllerErrorCode>(code, message, cause === undefined ? undefined : { cause });
}

/** The HTTP status of a client-node ApiException (undefined for network errors). */
export function httpStatusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}
