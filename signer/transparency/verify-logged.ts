import type { KeyObject } from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier, type VerificationPolicy } from '@sigstore/verify';
import type { DsseEnvelope } from '../dsse/envelope.ts';
import { ProvenanceError } from '../errors.ts';
import type { TlogEntryJson } from './entry.ts';
import { tlogError } from './errors.ts';

/** The signature, its log entries and the key material it claims, as found in storage. */
export interface LoggedSignature {
  envelope: DsseEnvelope;
  entries: readonly TlogEntryJson[];
  /** The trusted public key that signed, or the signing certificate (PEM, leaf first) for keyless. */
  key: { publicKey: KeyObject } | { certificates: readonly string[] };
}

export interface LogVerification {
  /** When the log integrated the entry (from the SET); undefined for proof-only entries. */
  integratedTime: Date | undefined;
  logIndex: string;
  /** The certificate's SAN and OIDC issuer (keyless only). */
  identity?: { subjectAlternativeName?: string; issuer?: string };
}

export type CertificateErrorCode = 'CERT_UNTRUSTED' | 'CERT_IDENTITY_MISMATCH' | 'CERT_SCT_MISSING' | 'CERT_BAD_SCT' | 'BAD_SIGNATURE';

// @sigstore/verify's codes, named as ours: a stripped, altered or bent proof fails by name.
const CODES: Record<string, string> = {
  TLOG_INCLUSION_PROMISE_ERROR: 'TLOG_BAD_SET',
  TLOG_INCLUSION_PROOF_ERROR: 'TLOG_BAD_PROOF',
  TLOG_MISSING_INCLUSION_ERROR: 'TLOG_BAD_PROOF',
  TLOG_BODY_ERROR: 'TLOG_ENTRY_MISMATCH',
  TLOG_ERROR: 'TLOG_MISSING',
  TIMESTAMP_ERROR: 'TLOG_BAD_SET',
  CERTIFICATE_ERROR: 'CERT_UNTRUSTED',
  PUBLIC_KEY_ERROR: 'BAD_SIGNATURE',
  SIGNATURE_ERROR: 'BAD_SIGNATURE',
  UNTRUSTED_SIGNER_ERROR: 'CERT_IDENTITY_MISMATCH',
};

/**
 * Verifies a DSSE signature together with its transparency log entries, offline, through
 * @sigstore/verify (Verifier + toTrustMaterial, never TUF): SET, checkpoint, inclusion proof,
 * that the entry records this very signature and payload, and for keyless the certificate
 * chain to a CA of the trusted root and the identity policy.
 */
export function verifyLogged(s: LoggedSignature, root: TrustedRoot, policy?: VerificationPolicy): LogVerification {
  if (s.entries.length === 0) throw tlogError('TLOG_MISSING', 'no transparency log entry');
  const sig = s.envelope.signatures[0];
  if (!sig || s.envelope.signatures.length !== 1) {
    throw tlogError('TLOG_ENTRY_MISMATCH', `a logged envelope holds exactly one signature, this one ${s.envelope.signatures.length}`);
  }
  const known = new Set(root.tlogs.map((t) => Buffer.from(t.logId?.keyId ?? []).toString('base64')));
  for (const e of s.entries) {
    if (!known.has(e.logId.keyId)) throw tlogError('TLOG_UNTRUSTED_LOG', `log entry ${e.logIndex} is from log ${Buffer.from(e.logId.keyId, 'base64').toString('hex')}, which the trusted root does not hold`);
  }
  for (const e of s.entries) checkProofFields(e);
  const withProof = s.entries.every((e) => e.inclusionProof);
  const withSet = s.entries.every((e) => e.inclusionPromise);
  const certs = 'certificates' in s.key ? s.key.certificates : undefined;
  const cert = certs !== undefined;
  // v0.1 bundles carry SETs only (cosign's annotation) and a chain; v0.3 a proof and the leaf.
  // Only the leaf matters: @sigstore/verify builds the path from the trusted root's CAs.
  const leaf = { rawBytes: der(certs?.[0] ?? '') };
  const material = !cert
    ? { publicKey: { hint: 'logged-key' } }
    : withProof ? { certificate: leaf } : { x509CertificateChain: { certificates: [leaf] } };
  const mediaType = withProof ? 'application/vnd.dev.sigstore.bundle.v0.3+json' : 'application/vnd.dev.sigstore.bundle+json;version=0.1';
  let bundle;
  try {
    bundle = bundleFromJSON({
      mediaType,
      verificationMaterial: { ...material, tlogEntries: s.entries, timestampVerificationData: { rfc3161Timestamps: [] } },
      dsseEnvelope: { payload: s.envelope.payload, payloadType: s.envelope.payloadType, signatures: [{ sig: sig.sig, keyid: sig.keyid ?? '' }] },
    });
  } catch (err) {
    throw tlogError('TLOG_BAD_PROOF', `the log entry is malformed: ${(err as Error).message}`, err);
  }
  const publicKey = 'publicKey' in s.key ? s.key.publicKey : undefined;
  const trust = toTrustMaterial(root, publicKey ? () => ({ publicKey, validFor: () => true }) : undefined);
  try {
    // Keyless against a root with CT logs (the public-good one): the certificate's SCT must verify too.
    const ctlogThreshold = cert && root.ctlogs.length > 0 ? 1 : 0;
    const signer = new Verifier(trust, { tlogThreshold: s.entries.length, ctlogThreshold, timestampThreshold: withSet ? 1 : 0 })
      .verify(toSignedEntity(bundle), policy);
    const first = s.entries[0] as TlogEntryJson;
    const out: LogVerification = {
      integratedTime: withSet ? new Date(Number(first.integratedTime) * 1000) : undefined,
      logIndex: first.logIndex,
    };
    if (cert) {
      out.identity = {
        ...(signer.identity?.subjectAlternativeName ? { subjectAlternativeName: signer.identity.subjectAlternativeName } : {}),
        ...(signer.identity?.extensions?.issuer ? { issuer: signer.identity.extensions.issuer } : {}),
      };
    }
    return out;
  } catch (err) {
    const upstream = (err as { code?: string }).code ?? '';
    const sct = sctFailure(err);
    if (sct) throw new ProvenanceError<CertificateErrorCode>(sct.code, `${sct.why} (${(err as Error).message}) [${upstream || 'error'}]`, { cause: err });
    throw new ProvenanceError(CODES[upstream] ?? 'TLOG_BAD_PROOF', `${(err as Error).message} [${upstream || 'error'}]`, { cause: err });
  }
}

/**
 * @sigstore/verify reports SCT failures as CERTIFICATE_ERROR like a broken chain (and an SCT
 * list it cannot parse as a plain Error): named apart here, as cosign names them.
 */
function sctFailure(err: unknown): { code: CertificateErrorCode; why: string } | undefined {
  const message = (err as Error)?.message ?? '';
  if (/^expected \d+ SCTs, got 0$/.test(message)) return { code: 'CERT_SCT_MISSING', why: 'the certificate embeds no SCT, and the trusted root has CT logs' };
  if (/\bSCT\b/.test(message)) return { code: 'CERT_BAD_SCT', why: 'the certificate\'s SCT does not verify with a CT log of the trusted root' };
  return undefined;
}

/**
 * @sigstore/verify hashes up to the checkpoint's root and never reads the proof's own
 * rootHash or treeSize fields; cosign compares them. So do we: a proof whose fields disagree
 * with its signed checkpoint is bent. (The proof's logIndex is the index within the shard,
 * not the entry's global logIndex, on the sharded public instance.)
 */
function checkProofFields(e: TlogEntryJson): void {
  const p = e.inclusionProof;
  if (!p) return;
  const lines = p.checkpoint.envelope.split('\n');
  if (lines[1] !== p.treeSize || lines[2] !== p.rootHash) {
    throw tlogError('TLOG_BAD_PROOF', `the inclusion proof (tree size ${p.treeSize}, root ${p.rootHash}) does not match its checkpoint (${lines[1]}, ${lines[2]})`);
  }
}

function der(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}
