import { createHash } from 'node:crypto';
import { EVENT_PREDICATE_TYPE, type EventPredicate } from '../../signer/events/event-record.ts';
import { STATEMENT_V1, type Statement } from '../../signer/intoto/statement.ts';
import type { TriggerContext } from '../protocol/types.ts';
import type { Authenticity } from '../../signer/authenticity/claim.ts';
import { redactHeaders } from './redact.ts';

/** The subject name of an event record: a URN naming the EventListener's event id. */
export function eventSubjectName(eventId: string): string {
  return `urn:tekton-provenance:event:${eventId}`;
}

export interface EventStatementInput {
  /** The webhook body as received and its exact UTF-8 bytes (already checked). */
  body: string;
  bodyBytes: Buffer;
  /** The UTF-8 bytes of `body` as the JSON string literal it arrived as, when known: spliced in, not re-escaped. */
  bodyJson?: Buffer;
  header: Record<string, string[]>;
  context: TriggerContext;
  receivedAt: Date;
  authenticity: Authenticity;
  interceptor: { name: string; version: string };
}

export interface EventStatement {
  /** The exact JSON bytes the signer signs (never re-serialised afterwards). */
  bytes: Buffer;
  /** `sha256:<hex>` of the body bytes: the subject digest. */
  digest: string;
  eventId: string;
}

/** Builds the in-toto Statement v1 of one event (docs/event-record.md, field by field). */
export function buildEventStatement(input: EventStatementInput): EventStatement {
  const hex = createHash('sha256').update(input.bodyBytes).digest('hex');
  const { headers, redacted } = redactHeaders(input.header);
  const predicate: EventPredicate = {
    body: input.body,
    headers,
    redactedHeaders: redacted,
    context: {
      eventId: input.context.event_id,
      eventUrl: input.context.event_url,
      triggerId: input.context.trigger_id,
    },
    receivedAt: input.receivedAt.toISOString(),
    authenticity: { ...input.authenticity },
    interceptor: { ...input.interceptor },
  };
  const statement: Statement<EventPredicate> = {
    _type: STATEMENT_V1,
    subject: [{ name: eventSubjectName(input.context.event_id), digest: { sha256: hex } }],
    predicateType: EVENT_PREDICATE_TYPE,
    predicate,
  };
  const bytes = input.bodyJson === undefined ? Buffer.from(JSON.stringify(statement), 'utf8') : spliceBody(statement, input.bodyJson);
  return { bytes, digest: `sha256:${hex}`, eventId: input.context.event_id };
}

/**
 * The statement's JSON with `predicate.body` written as the given literal: the same fields in
 * the same order as JSON.stringify(statement), the body's escapes as the sender wrote them
 * (e.g. Go's \u003c). Parsing it gives the same statement; the signer checks the body against
 * the subject digest, so a literal that did not decode to the body could not be signed.
 */
function spliceBody(statement: Statement<EventPredicate>, bodyJson: Buffer): Buffer {
  const { predicate, ...head } = statement;
  const { body: _body, ...rest } = predicate;
  // Joined as bytes: encoding one string of head + body + rest would copy the body twice more.
  return Buffer.concat([
    Buffer.from(`${JSON.stringify(head).slice(0, -1)},"predicate":{"body":`, 'utf8'),
    bodyJson,
    Buffer.from(`,${JSON.stringify(rest).slice(1)}}`, 'utf8'),
  ]);
}
