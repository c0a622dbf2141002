import { STATEMENT_V01, STATEMENT_V1, type Statement, type Subject } from './statement.ts';
import { statementError } from './errors.ts';
import { validateDigestSet } from './digest.ts';

export interface StatementRules {
  /** Accepted `_type` values (default: v0.1 and v1). */
  types?: readonly Statement['_type'][];
  /** When set, any other predicateType is BAD_PREDICATE_TYPE. */
  predicateType?: string;
  /**
   * Accept `subject: []` (default: NO_SUBJECTS). Chains attests runs that produced no
   * artifact with an empty subject list; verifiers of such attestations opt in here.
   */
  allowNoSubjects?: boolean;
}

const TOP_FIELDS = new Set(['_type', 'subject', 'predicateType', 'predicate']);
const SUBJECT_FIELDS = new Set(['name', 'digest']);
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;

/**
 * Checks a parsed Statement with the strict rules cosign and policy engines rely on: exact
 * `_type`, at least one subject of exactly {name, digest}, lowercase hex digests of the right
 * length, a URI predicateType, an object predicate, and no other fields anywhere at these levels.
 */
export function validateStatement<P = unknown>(value: unknown, rules: StatementRules = {}): Statement<P> {
  const stmt = asObject(value, 'statement');
  onlyFields(stmt, TOP_FIELDS, 'statement');
  for (const field of ['_type', 'subject', 'predicateType']) {
    if (!(field in stmt)) throw statementError('MISSING_FIELD', `statement has no "${field}"`);
  }
  const types = rules.types ?? [STATEMENT_V01, STATEMENT_V1];
  if (!types.includes(stmt._type as Statement['_type'])) {
    throw statementError(
      'BAD_STATEMENT_TYPE',
      `_type is ${JSON.stringify(stmt._type)}, expected one of ${types.join(', ')}`,
    );
  }
  const subject = validateSubjects(stmt.subject, rules.allowNoSubjects);
  if (typeof stmt.predicateType !== 'string' || !URI.test(stmt.predicateType)) {
    throw statementError('BAD_PREDICATE_TYPE', 'predicateType must be a URI string');
  }
  if (rules.predicateType !== undefined && stmt.predicateType !== rules.predicateType) {
    throw statementError(
      'BAD_PREDICATE_TYPE',
      `predicateType is "${stmt.predicateType}", expected "${rules.predicateType}"`,
    );
  }
  if ('predicate' in stmt) asObject(stmt.predicate, 'predicate', 'BAD_PREDICATE');
  return { ...stmt, subject } as Statement<P>;
}

/** Parses statement bytes (e.g. a verified DSSE payload) and validates them. */
export function parseStatement<P = unknown>(
  bytes: Buffer | string,
  rules: StatementRules = {},
): Statement<P> {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString());
  } catch (err) {
    throw statementError('NOT_JSON', `statement is not valid JSON: ${(err as Error).message}`);
  }
  return validateStatement<P>(value, rules);
}

/** Subjects: a non-empty (unless allowed) array of {name, digest} with a non-empty name. */
export function validateSubjects(value: unknown, allowEmpty = false): Subject[] {
  if (!Array.isArray(value)) throw statementError('BAD_SUBJECT', 'subject must be an array');
  if (value.length === 0 && !allowEmpty) throw statementError('NO_SUBJECTS', 'statement has no subjects');
  return value.map((s, i) => {
    const where = `subject[${i}]`;
    const subject = asObject(s, where, 'BAD_SUBJECT');
    onlyFields(subject, SUBJECT_FIELDS, where);
    if (typeof subject.name !== 'string' || subject.name === '') {
      throw statementError('BAD_SUBJECT', `${where}.name must be a non-empty string`);
    }
    if (!('digest' in subject)) throw statementError('MISSING_FIELD', `${where} has no digest`);
    return { name: subject.name, digest: validateDigestSet(subject.digest, `${where}.digest`) };
  });
}

function asObject(
  value: unknown,
  where: string,
  code: 'NOT_AN_OBJECT' | 'BAD_SUBJECT' | 'BAD_PREDICATE' = 'NOT_AN_OBJECT',
): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw statementError(code, `${where} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

function onlyFields(obj: Record<string, unknown>, allowed: Set<string>, where: string): void {
  const extra = Object.keys(obj).filter((k) => !allowed.has(k));
  if (extra.length > 0)
    throw statementError('UNEXPECTED_FIELD', `${where} has unexpected field(s): ${extra.join(', ')}`);
}
