import { createHash, X509Certificate } from 'node:crypto';
import { signBuilt, type BuiltAttestation } from '../attest/attest-run.ts';
import type { RunRef, SignedAttestation } from '../attest/types.ts';
import { parseEnvelope } from '../dsse/parse.ts';
import { serializeEnvelope } from '../dsse/sign.ts';
import type { ReconcileDeps } from './deps.ts';
import type { JournalEntry, JournalKey } from './journal/journal.ts';
import type { SigningIdentity } from './transparency.ts';

/** A keyless envelope not yet logged is replayed only while its certificate has this long left. */
const KEYLESS_REPLAY_MARGIN_MS = 60_000;

// The journal key of each attestation this step returned, while its log entry is not journaled yet.
const keys = new WeakMap<SignedAttestation, JournalKey>();

/**
 * The `sign` step, once per run and payload: each built attestation is signed and journaled
 * before anything leaves the process, and a retry (after a failed log or store, or a restart)
 * replays the journaled envelope with its certificates and log entry instead of signing again.
 * So the transparency log is only ever asked for the same entry again (a 409 at worst).
 * `identity` is called only when something must be signed (a replay needs no Fulcio call).
 */
export async function signOnce(d: ReconcileDeps, ref: RunRef, built: BuiltAttestation[], identity: () => Promise<SigningIdentity>): Promise<SignedAttestation[]> {
  const signer = d.keyless() ? 'keyless' : d.signer().keyid;
  const out: SignedAttestation[] = [];
  let id: SigningIdentity | undefined;
  for (const b of built) {
    const key: JournalKey = { runUid: ref.uid, format: b.format, payloadSha256: createHash('sha256').update(b.payload).digest('hex'), signer };
    const prior = await d.journal.find(key);
    let a: SignedAttestation;
    if (prior && replayable(prior)) {
      a = { ...b, envelope: parseEnvelope(prior.envelope) };
      if (prior.certificates) a.certificates = prior.certificates;
      if (prior.tlog) a.tlog = prior.tlog;
    } else {
      id ??= await identity();
      a = await signBuilt(b, id.signer);
      if (id.certificates) a.certificates = id.certificates;
      await d.journal.signed(key, { envelope: serializeEnvelope(a.envelope), ...(a.certificates ? { certificates: a.certificates } : {}) });
    }
    if (!a.tlog) keys.set(a, key);
    out.push(a);
  }
  return out;
}

/** Journals the log entries the `transparency` step got, before any backend is written. */
export async function journalLogged(d: ReconcileDeps, attestations: SignedAttestation[]): Promise<void> {
  for (const a of attestations) {
    const key = keys.get(a);
    if (key && a.tlog) await d.journal.logged(key, a.tlog);
  }
}

/** Once logged, always replayed; a keyless envelope not yet logged only while its certificate can still be logged. */
function replayable(e: JournalEntry): boolean {
  if (e.tlog || !e.certificates?.[0]) return true;
  try {
    return new Date(new X509Certificate(e.certificates[0]).validTo).getTime() - Date.now() > KEYLESS_REPLAY_MARGIN_MS;
  } catch {
    return false;
  }
}
