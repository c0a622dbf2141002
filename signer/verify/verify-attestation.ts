import { IN_TOTO_PAYLOAD_TYPE, type DsseEnvelope } from '../dsse/envelope.ts';
import { verifyEnvelope } from '../dsse/verify.ts';
import { isProvenanceError } from '../errors.ts';
import { parseStatement } from '../intoto/validate.ts';
import type { Verifier } from '../keys/signer.ts';
import { fail, pass, skip, type CheckResult, type VerificationReport } from './check.ts';
import { checkBindings } from './checks/bindings.ts';
import { checkEvent } from './checks/event.ts';
import { checkRunMetadata } from './checks/run-metadata.ts';
import { checkSubject } from './checks/subject.ts';
import { checkTrustedTasks } from './checks/trusted-tasks.ts';
import { checkKeyless, checkTransparency } from './checks/transparency.ts';
import type { IdentityPolicy } from '../transparency/identity.ts';
import type { Evidence } from './sources/evidence.ts';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import type { Policy } from './policy/policy.ts';
import { toRunView } from './views/index.ts';

export interface VerifyOptions {
  keys: readonly Verifier[];
  /** Keys trusted for trigger event records (defaults to `keys`). */
  eventKeys?: readonly Verifier[];
  policy: Policy;
  /** The image being admitted, when verifying for one. */
  image?: { repository?: string; digest: string };
  now?: Date;
  /** `--trusted-root`: logs and CAs trusted for transparency entries and keyless certificates. */
  trustedRoot?: TrustedRoot;
  /** `--certificate-identity(-regexp)`, `--certificate-oidc-issuer` (keyless). */
  identity?: IdentityPolicy;
}

/**
 * Verifies one attestation, link by link: signature -> statement -> subject -> event ->
 * bindings -> tasks -> run metadata. A broken signature or statement stops the walk
 * (nothing after it can be trusted); every later check runs and reports on its own.
 */
export function verifyAttestation(source: string, envelope: DsseEnvelope, opts: VerifyOptions, evidence?: Evidence): VerificationReport {
  const checks: CheckResult[] = [];
  const done = () => ({ source, ok: checks.every((c) => c.status !== 'fail'), checks });
  const tlog = { requirement: opts.policy.transparency ?? 'optional', ...(opts.trustedRoot ? { trustedRoot: opts.trustedRoot } : {}), ...(opts.identity ? { identity: opts.identity } : {}) } as const;

  let payload: Buffer;
  if (evidence?.certificates?.length) {
    // Keyless: the certificate (chained to the trusted root's CA) signed, and the log proves when.
    checks.push(...checkKeyless(envelope, evidence, tlog));
    if (checks.some((c) => c.status === 'fail')) return done();
    payload = Buffer.from(envelope.payload, 'base64');
  } else {
    try {
      const verified = verifyEnvelope(envelope, opts.keys, { payloadType: IN_TOTO_PAYLOAD_TYPE });
      payload = verified.payload;
      checks.push(pass('signature', `signed by ${verified.keyids.join(', ')}`));
      const key = opts.keys.find((k) => k.keyid === verified.keyids[0]) ?? opts.keys[0];
      const logged = key ? checkTransparency(envelope, key.publicKey, evidence, tlog) : undefined;
      if (logged) checks.push(logged);
    } catch (err) {
      checks.push(fail('signature', `attestation signature does not verify: ${describe(err)}`));
      return done();
    }
  }

  let run;
  try {
    // A run without type-hinted results has no subjects (as in Chains): still a valid record of
    // the run, but never one that can vouch for an image.
    const statement = parseStatement(payload, { allowNoSubjects: opts.image === undefined });
    run = toRunView(statement);
    checks.push(pass('statement', `${statement._type} with ${run.predicateType}, ${run.tasks.length} task(s)`));
  } catch (err) {
    checks.push(fail('statement', describe(err)));
    return done();
  }

  if (opts.image) checks.push(checkSubject(run, opts.image));
  const event = checkEvent(run.event, opts.eventKeys ?? opts.keys, opts.policy.event, { trustedRoot: opts.trustedRoot });
  checks.push(...event.results);
  checks.push(...checkBindings(run, event.inputs, opts.policy.bindings));
  if (opts.policy.trustedTasks) checks.push(...checkTrustedTasks(run.tasks, opts.policy.trustedTasks));
  else checks.push(skip('trusted-tasks', 'the policy has no trustedTasks list'));
  checks.push(...checkRunMetadata(run, opts.policy, opts.now ?? new Date()));
  return done();
}

function describe(err: unknown): string {
  return isProvenanceError(err) ? `${err.message} [${err.code}]` : err instanceof Error ? err.message : String(err);
}
