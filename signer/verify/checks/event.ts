import { IN_TOTO_PAYLOAD_TYPE } from '../../dsse/envelope.ts';
import { verifyEnvelope } from '../../dsse/verify.ts';
import { isProvenanceError } from '../../errors.ts';
import { notEstablished } from '../../authenticity/claim.ts';
import { parseTriggerId } from '../../authenticity/trigger-id.ts';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import type { EventPredicate, SignedEventRecord } from '../../events/event-record.ts';
import { checkEventSigstore } from '../../events/verify-sigstore.ts';
import { identityFromPolicy } from '../../transparency/identity.ts';
import { validateEventStatement, type ValidatedEvent } from '../../events/validate-statement.ts';
import type { Verifier } from '../../keys/signer.ts';
import { fail, pass, skip, type CheckResult } from '../check.ts';
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
export function checkEvent(event: EmbeddedEvent, keys: readonly Verifier[], policy: EventPolicy, trust: { trustedRoot?: TrustedRoot | undefined } = {}): EventCheckOutcome {
  if (event.state !== 'found') {
    const why = `no signed trigger event: ${event.reason}`;
    return { results: [policy.required ? fail('event', why) : pass('event', `${why} (allowed by policy)`)] };
  }
  const results: CheckResult[] = [];
  let trusted = keys;
  if (event.certificates) {
    // Keyless: the embedded chain and log entry, checked as verify-event checks a stored record.
    const sigstore = checkEventSigstore(
      { envelope: event.envelope, certificates: event.certificates, ...(event.tlog ? { tlog: event.tlog } : {}) } as SignedEventRecord,
      keys,
      { ...(trust.trustedRoot ? { trustedRoot: trust.trustedRoot } : {}), ...(policy.identity ? { identity: identityFromPolicy(policy.identity) } : {}), transparency: 'required' },
    );
    for (const c of sigstore.checks) results.push(c.ok ? pass(`event ${c.name}`, c.detail) : fail(`event ${c.name}`, c.detail));
    if (sigstore.verifiers.length === 0) return { results };
    trusted = sigstore.verifiers;
  } else if (policy.transparency === 'required') {
    results.push(skip('event log', "a key-signed event's log entry is not embedded in the attestation: check the stored record with verify-event"));
  }
  let payload: Buffer;
  try {
    payload = verifyEnvelope(event.envelope, trusted, { payloadType: IN_TOTO_PAYLOAD_TYPE }).payload;
  } catch (err) {
    const why = isProvenanceError(err) ? `${err.message} [${err.code}]` : String(err);
    // Events are signed by the interceptor's signer key, which may not be the attestation key.
    const hint = isProvenanceError(err, 'UNKNOWN_KEY') ? `; if events are signed with another key than attestations, pass it with --event-key` : '';
    return { results: [...results, fail('event signature', `trigger event signature does not verify: ${why}${hint}`)] };
  }
  results.push(pass('event signature', event.certificates ? 'trigger event is signed by its certificate' : 'trigger event is signed by a trusted key'));
  // The same strict checks the signer applied before signing (shape, body hash = subject).
  let validated: ValidatedEvent;
  try {
    validated = validateEventStatement(payload);
  } catch (err) {
    return { results: [...results, fail('event record', isProvenanceError(err) ? `${err.message} [${err.code}]` : String(err))] };
  }
  const predicate = validated.statement.predicate;
  results.push(
    validated.digest === event.digest
      ? pass('event digest', `event body ${validated.digest} matches the attestation`)
      : fail('event digest', `the attestation binds event ${event.digest} but the embedded event is ${validated.digest}`),
  );
  results.push(checkAuthenticity(predicate, policy));
  const trigger = checkTrigger(predicate, policy);
  if (trigger !== undefined) results.push(trigger);

  let body: unknown;
  try {
    body = JSON.parse(predicate.body);
  } catch {
    body = undefined;
  }
  const ok = results.every((r) => r.status !== 'fail');
  return { results, inputs: ok ? { body, headers: predicate.headers } : undefined };
}

/** No policy accepts an event whose authenticity the signer did not establish itself. */
function checkAuthenticity(predicate: EventPredicate, policy: EventPolicy): CheckResult {
  const a = predicate.authenticity;
  const name = 'event authenticity';
  const why = notEstablished(a);
  if (why !== undefined) return fail(name, `the webhook was not authenticated: ${why}`);
  if (policy.providers.length > 0 && !policy.providers.includes(a.provider)) {
    return fail(name, `authenticated by ${a.provider}, policy allows ${policy.providers.join(', ')}`);
  }
  return pass(name, `${a.provider} webhook authenticated (${a.method}) by ${a.checkedBy}`);
}

/** `event.triggers`: the event must have come through one of these `namespace/name` Triggers. */
function checkTrigger(predicate: EventPredicate, policy: EventPolicy): CheckResult | undefined {
  if (policy.triggers.length === 0) return undefined;
  const name = 'event trigger';
  const trigger = parseTriggerId(predicate.context.triggerId);
  const id = trigger === undefined ? undefined : `${trigger.namespace}/${trigger.name}`;
  if (id === undefined) return fail(name, `trigger id ${JSON.stringify(predicate.context.triggerId.slice(0, 200))} names no namespace/trigger`);
  return policy.triggers.includes(id)
    ? pass(name, `accepted through Trigger ${id}`)
    : fail(name, `accepted through Trigger ${id}, policy allows ${policy.triggers.join(', ')}`);
}
