import { IN_TOTO_PAYLOAD_TYPE } from '../dsse/envelope.ts';
import { STATEMENT_V01, STATEMENT_V1, type Statement, type Subject } from './statement.ts';
import { validateStatement } from './validate.ts';

export interface StatementInput<P> {
  subjects: readonly Subject[];
  predicateType: string;
  predicate: P;
  /** Allow an empty subject list (a run that produced no artifact); default: NO_SUBJECTS. */
  allowNoSubjects?: boolean;
}

/** in-toto Statement v1 (SLSA v1.0 provenance and newer predicates). */
export function buildStatementV1<P>(input: StatementInput<P>): Statement<P> {
  return build(STATEMENT_V1, input);
}

/** in-toto Statement v0.1 (SLSA v0.2 provenance, Chains' `in-toto` format). */
export function buildStatementV01<P>(input: StatementInput<P>): Statement<P> {
  return build(STATEMENT_V01, input);
}

/** Fresh objects in a fixed field order, checked by the same rules verifiers apply. */
function build<P>(type: Statement['_type'], input: StatementInput<P>): Statement<P> {
  const stmt = {
    _type: type,
    subject: input.subjects.map((s) => ({ name: s.name, digest: { ...s.digest } })),
    predicateType: input.predicateType,
    predicate: input.predicate,
  };
  return validateStatement<P>(stmt, { types: [type], allowNoSubjects: input.allowNoSubjects });
}

/** The exact bytes to sign: compact JSON, payloadType application/vnd.in-toto+json. */
export function statementPayload(stmt: Statement): { payloadType: string; payload: Buffer } {
  return { payloadType: IN_TOTO_PAYLOAD_TYPE, payload: Buffer.from(JSON.stringify(stmt)) };
}
