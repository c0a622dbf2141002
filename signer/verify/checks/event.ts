import { createHash } from 'node:crypto';
import { IN_TOTO_PAYLOAD_TYPE } from '../../dsse/envelope.ts';
import { verifyEnvelope } from '../../dsse/verify.ts';
import { isProvenanceError } from '../../errors.ts';
import { EVENT_PREDICATE_TYPE, type EventPredicate } from '../../events/event-record.ts';
import type { Verifier } from '../../keys/signer.ts';
import { fail, pass, type CheckResult } from '../check.ts';
import type { EventPolicy } from '../policy/policy.ts';
import type { EmbeddedEvent } from '../run-view.ts';
import type { EventInputs } from './bindings.ts';

export interface EventCheckOutcome {
  results: CheckResult[];
  /** The verified event's body and headers, for the bindings; undefined when not verified. */
  inputs?: EventInputs;
}

/**
 * The embedded trigger event: its own signature (by the interceptor's signer key), its
 * digest against the one the attestation binds to, and its recorded authenticity check.
 */
export function checkEvent(event: EmbeddedEvent, keys: readonly Verifier[], policy: EventPolicy): EventCheckOutcome {
  if (event.state !== 'found') {
    const why = `no signed trigger event: ${event.reason}`;
    return { results: [policy.required ? fail('event', why) : pass('event', `${why} (allowed by policy)`)] };
  }
  let payload: Buffer;
  try {
    payload = verifyEnvelope(event.envelope, keys, { payloadType: IN_TOTO_PAYLOAD_TYPE }).payload;
  } catch (err) {
    const why = isProvenanceError(err) ? `${err.message} [${err.code}]` : String(err);
    return { results: [fail('event signature', `trigger event signature does not verify: ${why}`)] };
  }
  const results: CheckResult[] = [pass('event signature', 'trigger event is signed by a trusted key')];
  const statement = parseEventStatement(payload);
  if (typeof statement === 'string') return { results: [...results, fail('event record', statement)] };
  const { predicate, subjectSha256 } = statement;

  const bodyHash = createHash('sha256').update(predicate.body, 'utf8').digest('hex');
  const boundHex = event.digest.replace(/^sha256:/, '');
  if (bodyHash !== subjectSha256) {
    results.push(fail('event digest', `event body hashes to sha256:${bodyHash} but the record's subject says sha256:${subjectSha256}`));
  } else if (boundHex !== bodyHash) {
    results.push(fail('event digest', `the attestation binds event ${event.digest} but the embedded event is sha256:${bodyHash}`));
  } else {
    results.push(pass('event digest', `event body sha256:${bodyHash} matches the attestation`));
  }
  results.push(checkAuthenticity(predicate, policy));

  let body: unknown;
  try {
    body = JSON.parse(predicate.body);
  } catch {
    body = undefined;
  }
  const ok = results.every((r) => r.status !== 'fail');
  return { results, inputs: ok ? { body, headers: predicate.headers } : undefined };
}

function checkAuthenticity(predicate: EventPredicate, policy: EventPolicy): CheckResult {
  const a = predicate.authenticity;
  const name = 'event authenticity';
  if (!a.verified) return fail(name, `the webhook was not authenticated (${a.provider}: ${a.method})`);
  if (policy.providers.length > 0 && !policy.providers.includes(a.provider)) {
    return fail(name, `authenticated by ${a.provider}, policy allows ${policy.providers.join(', ')}`);
  }
  if (a.provider === 'none') {
    if (policy.trustedDelegates.length > 0 && !policy.trustedDelegates.includes(a.checkedBy)) {
      return fail(name, `authenticity was delegated to "${a.checkedBy}", which event.trustedDelegates does not list`);
    }
    return pass(name, `authenticity checked by "${a.checkedBy}" before the interceptor (${a.method})`);
  }
  return pass(name, `${a.provider} webhook authenticated (${a.method}) by ${a.checkedBy}`);
}

function parseEventStatement(payload: Buffer): { predicate: EventPredicate; subjectSha256: string } | string {
  let st: { predicateType?: unknown; subject?: { digest?: { sha256?: unknown } }[]; predicate?: Partial<EventPredicate> };
  try {
    st = JSON.parse(payload.toString('utf8'));
  } catch {
    return 'trigger event payload is not JSON';
  }
  if (st.predicateType !== EVENT_PREDICATE_TYPE) return `trigger event has predicateType ${String(st.predicateType)}, expected ${EVENT_PREDICATE_TYPE}`;
  const sha = st.subject?.[0]?.digest?.sha256;
  const p = st.predicate;
  if (typeof sha !== 'string' || !p || typeof p.body !== 'string' || typeof p.authenticity !== 'object' || p.authenticity === null) {
    return 'trigger event record is missing its subject digest, body or authenticity';
  }
  return { predicate: { ...p, headers: p.headers ?? {} } as EventPredicate, subjectSha256: sha };
}
