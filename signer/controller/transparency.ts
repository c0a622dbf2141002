import type { SignedAttestation } from '../attest/types.ts';
import type { Signer } from '../keys/signer.ts';
import { entryUrl } from '../transparency/entry.ts';
import { logAttestations, shouldLog, TRANSPARENCY_ANNOTATION } from '../transparency/upload.ts';
import type { ReconcileDeps } from './deps.ts';
import type { KubeObject } from './kube/tekton-api.ts';

/** Who signs this run: the configured key, or (keyless) an ephemeral key and its Fulcio chain. */
export interface SigningIdentity {
  signer: Signer;
  certificates?: string[];
}

export async function signingIdentity(d: ReconcileDeps): Promise<SigningIdentity> {
  const keyless = d.keyless();
  if (!keyless) return { signer: d.signer() };
  const s = await keyless.session();
  return { signer: s.signer, certificates: s.certificates };
}

/**
 * Logs the run's attestations when `transparency.enabled` says so (keyless: always), before
 * anything is stored (as Chains does), so every backend keeps the entry and `signed=true`
 * implies "logged". Returns Chains' run annotation to write with `signed=true`.
 */
export async function logRun(d: ReconcileDeps, pr: KubeObject, attestations: SignedAttestation[], id: SigningIdentity): Promise<Record<string, string>> {
  for (const a of attestations) if (id.certificates) a.certificates = id.certificates;
  const log = d.transparency();
  if (!log || !shouldLog(d.config().transparency.mode, pr.metadata?.annotations, id.certificates !== undefined)) return {};
  await logAttestations(log, attestations, id.certificates ? { certificates: id.certificates } : { publicKey: id.signer.publicKey });
  const first = attestations.find((a) => a.tlog);
  return first?.tlog ? { [TRANSPARENCY_ANNOTATION]: entryUrl(first.tlog) } : {};
}
