import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { EVENT_PREDICATE_TYPE, type EventPredicate } from '../../../signer/events/event-record.ts';
import { STATEMENT_V1, type Statement } from '../../../signer/intoto/statement.ts';
import { LocalSigner } from '../../../signer/keys/local.ts';

/** A well-formed event statement, as the interceptor builds it, with overridable parts. */
export function eventStatement(
  body = '{"action":"opened","number":1}',
  patch: Partial<EventPredicate> & { eventId?: string } = {},
): Statement<EventPredicate> {
  const { eventId, ...rest } = patch;
  const predicate: EventPredicate = {
    body,
    headers: { 'Content-Type': ['application/json'], 'X-Github-Event': ['pull_request'] },
    redactedHeaders: [],
    context: { eventId: eventId ?? randomUUID(), eventUrl: '/', triggerId: 'namespaces/ci/triggers/push' },
    receivedAt: '2026-11-28T12:00:00.000Z',
    authenticity: {
      provider: 'github',
      verified: true,
      method: 'hmac-sha256 X-Hub-Signature-256',
      checkedBy: 'tekton-provenance-signer',
    },
    interceptor: { name: 'tekton-provenance-interceptor', version: '0.1.0' },
    ...rest,
  };
  return {
    _type: STATEMENT_V1,
    subject: [
      { name: 'webhook-body', digest: { sha256: createHash('sha256').update(body, 'utf8').digest('hex') } },
    ],
    predicateType: EVENT_PREDICATE_TYPE,
    predicate,
  };
}

/**
 * The same statement, as a signer signs it WITHOUT an authenticity proof: `provider: none`,
 * unverified. Tests of transport, storage and durability use it; what a proof changes is
 * tested in test/signer/authenticity and test/security.
 */
export function unverifiedStatement(
  body = '{"action":"opened","number":1}',
  patch: Partial<EventPredicate> & { eventId?: string } = {},
): Statement<EventPredicate> {
  return eventStatement(body, { authenticity: { provider: 'none', verified: false, method: 'none', checkedBy: '' }, ...patch });
}

export function statementBytes(st: unknown): Buffer {
  return Buffer.from(JSON.stringify(st), 'utf8');
}

export function p256Signer(): LocalSigner {
  return new LocalSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
}
