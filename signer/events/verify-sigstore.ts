import { createHash, X509Certificate } from 'node:crypto';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { serializeEnvelope } from '../dsse/sign.ts';
import { isProvenanceError } from '../errors.ts';
import { PublicKeyVerifier } from '../keys/local.ts';
import type { Verifier } from '../keys/signer.ts';
import { certificatePolicy, type IdentityPolicy } from '../transparency/identity.ts';
import { verifyLogged } from '../transparency/verify-logged.ts';
import type { SignedEventRecord } from './event-record.ts';
import type { EventCheck } from './verify-record.ts';


export interface EventTrust {
  trustedRoot?: TrustedRoot;
  /** cosign's identity flags, or the policy's `event.identity` (identityFromPolicy). */
  identity?: IdentityPolicy;
  /** `required`: the record must carry a log entry that verifies (keyless records always must). */
  transparency: 'required' | 'optional';
}

export interface SigstoreChecks {
  checks: EventCheck[];
  /**
   * Keyless: the leaf's key, once its chain and identity verified, for the remaining checks
   * (signature, statement...); empty otherwise (the caller's --key verifiers are used).
   */
  verifiers: Verifier[];
}

/**
 * The Sigstore side of an event record, offline, through @sigstore/verify: for a keyless
 * record the certificate chain to a CA of the trusted root, the identity (SAN + OIDC issuer)
 * and the log entry (SET, checkpoint, inclusion proof; integrated while the certificate was
 * valid); for a key-signed record its log entry when required or present. Named checks
 * `certificate` and `transparency`; codes in the details (TLOG_*, CERT_*).
 */
export function checkEventSigstore(record: SignedEventRecord, keys: readonly Verifier[], t: EventTrust): SigstoreChecks {
  return record.certificates ? keyless(record, record.certificates, t) : keyed(record, keys, t);
}

function keyless(record: SignedEventRecord, certificates: string[], t: EventTrust): SigstoreChecks {
  const fail = (name: string, detail: string): SigstoreChecks => ({ checks: [{ name, ok: false, detail }], verifiers: [] });
  if (!t.trustedRoot) return fail('certificate', 'signed keyless (a Fulcio certificate): give --trusted-root holding its CA and log [CERT_UNTRUSTED]');
  const policy = certificatePolicy(t.identity);
  if (!policy) {
    return fail('certificate', 'signed keyless: give --certificate-identity (or -regexp) and --certificate-oidc-issuer, or the policy\'s event.identity [CERT_IDENTITY_MISMATCH]');
  }
  if (!record.tlog) return fail('transparency', 'a keyless record must be logged, and this one carries no log entry (not uploaded yet, or stripped) [TLOG_MISSING]');
  const mismatch = envelopeHashMismatch(record);
  if (mismatch) return fail('transparency', `${mismatch} [TLOG_ENTRY_MISMATCH]`);
  try {
    const r = verifyLogged({ envelope: record.envelope, entries: [record.tlog.entry], key: { certificates } }, t.trustedRoot, policy);
    return {
      checks: [
        { name: 'certificate', ok: true, detail: `chains to the trusted root; issued to ${r.identity?.subjectAlternativeName ?? '?'} (issuer ${r.identity?.issuer ?? '?'})` },
        { name: 'transparency', ok: true, detail: logged(r.logIndex, r.integratedTime) },
      ],
      verifiers: [new PublicKeyVerifier(new X509Certificate(certificates[0] as string).publicKey)],
    };
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    return fail(code.startsWith('TLOG_') ? 'transparency' : 'certificate', `keyless signature does not verify: ${describe(err)}`);
  }
}

function keyed(record: SignedEventRecord, keys: readonly Verifier[], t: EventTrust): SigstoreChecks {
  const out = (ok: boolean, detail: string): SigstoreChecks => ({ checks: [{ name: 'transparency', ok, detail }], verifiers: [] });
  if (!record.tlog) {
    return t.transparency === 'required'
      ? out(false, 'the record carries no transparency log entry, and one is required [TLOG_MISSING]')
      : { checks: [], verifiers: [] };
  }
  if (!t.trustedRoot) {
    return t.transparency === 'required'
      ? out(false, 'a log entry is stored but cannot be checked: give --trusted-root [TLOG_UNTRUSTED_LOG]')
      : out(true, 'a log entry is stored; not checked (give --trusted-root to check it)');
  }
  const mismatch = envelopeHashMismatch(record);
  if (mismatch) return out(false, `${mismatch} [TLOG_ENTRY_MISMATCH]`);
  const keyid = record.envelope.signatures[0]?.keyid;
  const key = keys.find((k) => k.keyid === keyid) ?? keys[0];
  if (!key) return out(false, 'no key to check the log entry with [TLOG_ENTRY_MISMATCH]');
  try {
    const r = verifyLogged({ envelope: record.envelope, entries: [record.tlog.entry], key: { publicKey: key.publicKey } }, t.trustedRoot);
    return out(true, logged(r.logIndex, r.integratedTime));
  } catch (err) {
    return out(false, `log entry does not verify: ${describe(err)}`);
  }
}

/** The entry must record exactly the envelope bytes the signer uploaded (cosign's envelopeHash check). */
function envelopeHashMismatch(record: SignedEventRecord): string | undefined {
  try {
    const body = JSON.parse(Buffer.from(record.tlog?.entry.canonicalizedBody ?? '', 'base64').toString('utf8')) as { spec?: { envelopeHash?: { value?: unknown } } };
    const actual = createHash('sha256').update(serializeEnvelope(record.envelope)).digest('hex');
    const logged = body.spec?.envelopeHash?.value;
    return logged === actual ? undefined : `the log entry records envelope sha256:${String(logged)}, the record's envelope is sha256:${actual}`;
  } catch {
    return 'the log entry body is not JSON';
  }
}

function logged(index: string, time: Date | undefined): string {
  return `logged at index ${index}${time ? `, integrated ${time.toISOString()}` : ''}; SET/inclusion proof verified offline`;
}

function describe(err: unknown): string {
  return isProvenanceError(err) ? `${err.message} [${err.code}]` : (err as Error).message;
}
