import { ProvenanceError } from '../errors.ts';

/** Why an exported PipelineRun/TaskRun could not be read into a TektonRun. */
export type ModelErrorCode =
  | 'NOT_AN_OBJECT'
  | 'WRONG_KIND'
  | 'UNSUPPORTED_API_VERSION'
  | 'MISSING_FIELD'
  | 'BAD_FIELD'
  | 'UNPARSABLE_OBJECTS'
  | 'TOO_DEEP';

export function modelError(code: ModelErrorCode, message: string, cause?: unknown): ProvenanceError<ModelErrorCode> {
  return new ProvenanceError<ModelErrorCode>(code, message, cause === undefined ? undefined : { cause });
}
