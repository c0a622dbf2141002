import { createHash, type KeyObject } from 'node:crypto';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import type { DsseEnvelope } from '../../dsse/envelope.ts';
import { isProvenanceError } from '../../errors.ts';
import { certificatePolicy, type IdentityPolicy } from '../../transparency/identity.ts';
import { verifyLogged } from '../../transparency/verify-logged.ts';
import { fail, pass, skip, type CheckResult } from '../check.ts';
import type { Evidence } from '../sources/evidence.ts';

export interface TransparencyInputs {
  trustedRoot?: TrustedRoot;
  /** `required`: an attestation without a verified log entry fails; `optional`: checked when present. */
  requirement: 'required' | 'optional';
  identity?: IdentityPolicy;
}

const describe = (err: unknown): string =>
  isProvenanceError(err) ? `${err.message} [${err.code}]` : (err as Error).message;

/**
 * The `transparency` check for a key-signed attestation: its log entries (SET, checkpoint,
 * inclusion proof, body = this signature and payload) against the trusted root, offline.
 * When the exact stored bytes are known, cosign's envelopeHash check is made too.
 * Undefined when there is nothing to check (no entry, none required).
 */
export function checkTransparency(envelope: DsseEnvelope, key: KeyObject, evidence: Evidence | undefined, t: TransparencyInputs): CheckResult | undefined {
  const entries = evidence?.tlogEntries ?? [];
  if (entries.length === 0) {
    // Not logged and not required: no check to report (reports stay as they were without a log).
    return t.requirement === 'required'
      ? fail('transparency', 'no transparency log entry is stored with the attestation, and the policy requires one [TLOG_MISSING]')
      : undefined;
  }
  if (!t.trustedRoot) {
    return t.requirement === 'required'
      ? fail('transparency', 'a log entry is present but cannot be checked: give --trusted-root [TLOG_UNTRUSTED_LOG]')
      : skip('transparency', 'a log entry is present; give --trusted-root to check it');
  }
  try {
    const hashMismatch = evidence?.raw ? envelopeHashMismatch(entries[0]?.canonicalizedBody, evidence.raw) : undefined;
    if (hashMismatch) return fail('transparency', `${hashMismatch} [TLOG_ENTRY_MISMATCH]`);
    const r = verifyLogged({ envelope, entries, key: { publicKey: key } }, t.trustedRoot);
    return pass('transparency', logged(r.logIndex, r.integratedTime));
  } catch (err) {
    return fail('transparency', `log entry does not verify: ${describe(err)}`);
  }
}

/**
 * Keyless: the signature is the certificate's (chain to a CA of the trusted root, identity
 * as required), and the log entry proves when it was made. Returns the `signature` and
 * `transparency` results; a keyless signature without a verified log entry never passes.
 */
export function checkKeyless(envelope: DsseEnvelope, evidence: Evidence, t: TransparencyInputs): CheckResult[] {
  const certificates = evidence.certificates ?? [];
  if (!t.trustedRoot) return [fail('signature', 'signed with a certificate (keyless): give --trusted-root holding its CA and log [CERT_UNTRUSTED]')];
  const policy = certificatePolicy(t.identity);
  if (!policy) {
    return [fail('signature', 'signed with a certificate (keyless): give --certificate-identity (or -regexp) and --certificate-oidc-issuer, or policy identities [CERT_IDENTITY_MISMATCH]')];
  }
  try {
    const r = verifyLogged({ envelope, entries: evidence.tlogEntries ?? [], key: { certificates } }, t.trustedRoot, policy);
    return [
      pass('signature', `signed by a certificate for ${r.identity?.subjectAlternativeName ?? '?'} (issuer ${r.identity?.issuer ?? '?'})`),
      pass('transparency', logged(r.logIndex, r.integratedTime)),
    ];
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    const name = code.startsWith('TLOG_') ? 'transparency' : 'signature';
    return [fail(name, `keyless signature does not verify: ${describe(err)}`)];
  }
}

function logged(index: string, time: Date | undefined): string {
  return `logged at index ${index}${time ? `, integrated ${time.toISOString()}` : ''}; SET/inclusion proof verified offline`;
}

/** cosign compares the dsse body's envelopeHash with the stored bytes: a re-serialised envelope fails there. */
function envelopeHashMismatch(body: string | undefined, raw: Buffer): string | undefined {
  try {
    const spec = (JSON.parse(Buffer.from(body ?? '', 'base64').toString('utf8')) as { kind?: string; spec?: { envelopeHash?: { value?: string } } });
    if (spec.kind !== 'dsse') return undefined;
    const actual = createHash('sha256').update(raw).digest('hex');
    return spec.spec?.envelopeHash?.value === actual ? undefined : `the log entry records envelope sha256:${spec.spec?.envelopeHash?.value}, the stored envelope is sha256:${actual}`;
  } catch {
    return 'the log entry body is not JSON';
  }
}
