import { ProvenanceError } from '../errors.ts';

/** Why a Statement (or one of its parts) was refused. */
export type StatementErrorCode =
  | 'NOT_JSON'
  | 'NOT_AN_OBJECT'
  | 'BAD_STATEMENT_TYPE'
  | 'UNEXPECTED_FIELD'
  | 'MISSING_FIELD'
  | 'NO_SUBJECTS'
  | 'BAD_SUBJECT'
  | 'BAD_DIGEST'
  | 'BAD_PREDICATE_TYPE'
  | 'BAD_PREDICATE'
  | 'BAD_TIMESTAMP';

export function statementError(
  code: StatementErrorCode,
  message: string,
): ProvenanceError<StatementErrorCode> {
  return new ProvenanceError<StatementErrorCode>(code, message);
}
