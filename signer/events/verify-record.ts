import { notEstablished } from '../authenticity/claim.ts';
import { createHash } from 'node:crypto';
import type { DsseEnvelope } from '../dsse/envelope.ts';
import { IN_TOTO_PAYLOAD_TYPE } from '../dsse/envelope.ts';
import { verifyEnvelope } from '../dsse/verify.ts';
import { isProvenanceError } from '../errors.ts';
import type { Verifier } from '../keys/signer.ts';
import { EVENT_PREDICATE_TYPE, type EventPredicate, type SignedEventRecord } from './event-record.ts';
import { validateEventStatement, type ValidatedEvent } from './validate-statement.ts';

/** One named check and its outcome; `detail` says what was found either way. */
export interface EventCheck {
  name: 'signature' | 'predicate-type' | 'statement' | 'record' | 'payload' | 'authenticity' | string;
  ok: boolean;
  detail: string;
}

export interface EventVerification {
  ok: boolean;
  checks: EventCheck[];
  /** Set once the signed statement was parsed and validated. */
  event?: ValidatedEvent;
}

export interface EventVerifyInput {
  envelope: DsseEnvelope;
  /** The stored record around the envelope, when verifying a record (not a bare envelope). */
  record?: SignedEventRecord;
  verifiers: readonly Verifier[];
  /** The original webhook body bytes (`--payload FILE`). */
  payload?: Buffer;
}

/**
 * Offline verification of a signed event: the signature, then what was signed (predicate
 * type, statement shape, body digest), the record's own fields, the payload file and the
 * authenticity result. Every check runs and is reported; later checks that need the signed
 * statement are reported as failed when it could not be read.
 */
export function verifyEvent(input: EventVerifyInput): EventVerification {
  const checks: EventCheck[] = [];
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  let payload: Buffer | undefined;
  try {
    const v = verifyEnvelope(input.envelope, input.verifiers, { payloadType: IN_TOTO_PAYLOAD_TYPE });
    payload = v.payload;
    add('signature', true, `DSSE signature verified by ${v.keyids.join(', ')}`);
  } catch (err) {
    add('signature', false, describe(err));
  }
  const event = payload === undefined ? undefined : checkStatement(payload, add);
  if (input.record) checkRecord(input.record, event, add);
  if (input.payload) checkPayload(input.payload, event, add);
  if (event) checkAuthenticity(event.statement.predicate.authenticity, add);
  else add('authenticity', false, 'not checked: no verified statement');
  return { ok: checks.every((c) => c.ok), checks, ...(event ? { event } : {}) };
}

type Add = (name: string, ok: boolean, detail: string) => void;

function checkStatement(payload: Buffer, add: Add): ValidatedEvent | undefined {
  let predicateType: unknown;
  try {
    predicateType = (JSON.parse(payload.toString('utf8')) as { predicateType?: unknown }).predicateType;
  } catch {
    predicateType = undefined;
  }
  add(
    'predicate-type',
    predicateType === EVENT_PREDICATE_TYPE,
    `predicateType is ${JSON.stringify(predicateType)}`,
  );
  try {
    const event = validateEventStatement(payload);
    add(
      'statement',
      true,
      `in-toto Statement v1, event ${event.eventId}, subject ${event.digest} = sha256(body)`,
    );
    return event;
  } catch (err) {
    add('statement', false, describe(err));
    return undefined;
  }
}

function checkRecord(record: SignedEventRecord, event: ValidatedEvent | undefined, add: Add): void {
  if (!event) return add('record', false, 'not checked: no verified statement');
  const problems: string[] = [];
  if (record.digest !== event.digest)
    problems.push(`record digest ${record.digest} != signed ${event.digest}`);
  if (record.eventId !== event.eventId)
    problems.push(`record eventId ${record.eventId} != signed ${event.eventId}`);
  if (record.triggerId !== event.triggerId)
    problems.push(`record triggerId ${record.triggerId} != signed ${event.triggerId}`);
  add('record', problems.length === 0, problems.join('; ') || 'record fields match the signed statement');
}

function checkPayload(bytes: Buffer, event: ValidatedEvent | undefined, add: Add): void {
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  if (!event) return add('payload', false, `payload file is ${digest}; not compared: no verified statement`);
  // The subject digest equals sha256(predicate.body) (checked above), so one compare covers both.
  const ok = digest === event.digest && Buffer.from(event.statement.predicate.body, 'utf8').equals(bytes);
  add(
    'payload',
    ok,
    ok
      ? `payload file ${digest} is the signed body`
      : `payload file is ${digest}, signed body is ${event.digest}`,
  );
}

function checkAuthenticity(a: EventPredicate['authenticity'], add: Add): void {
  const why = notEstablished(a);
  add(
    'authenticity',
    why === undefined,
    why === undefined ? `${a.provider} ${a.method} by ${a.checkedBy}: verified` : `NOT verified: ${why}`,
  );
}

function describe(err: unknown): string {
  return isProvenanceError(err) ? `${err.message} [${err.code}]` : (err as Error).message;
}
