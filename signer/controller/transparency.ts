import type { SignedAttestation } from '../attest/types.ts';
import type { SigningIdentity } from '../keyless/signing-identity.ts';
import { entryUrl } from '../transparency/entry.ts';
import { logAttestations, shouldLog, TRANSPARENCY_ANNOTATION } from '../transparency/upload.ts';
import type { ReconcileDeps } from './deps.ts';
import type { KubeObject } from './kube/tekton-api.ts';

export type { SigningIdentity } from '../keyless/signing-identity.ts';

export async function signingIdentity(d: ReconcileDeps): Promise<SigningIdentity> {
  const keyless = d.keyless();
  if (!keyless) return { signer: d.signer() };
  const s = await keyless.session();
  return { signer: s.signer, certificates: s.certificates };
}

/**
 * Logs the run's attestations when `transparency.enabled` says so (keyless: always), before
 * anything is stored (as Chains does), so every backend keeps the entry and `signed=true`
 * implies "logged". Each envelope is logged with what signed it: its own certificates (a
 * replayed keyless envelope keeps the chain it was signed under), else the key. Returns
 * Chains' run annotation to write with `signed=true`.
 */
export async function logRun(d: ReconcileDeps, pr: KubeObject, attestations: SignedAttestation[]): Promise<Record<string, string>> {
  const log = d.transparency();
  const keyless = d.keyless() !== undefined;
  if (!log || !shouldLog(d.config().transparency.mode, pr.metadata?.annotations, keyless)) return {};
  for (const a of attestations) {
    await logAttestations(log, [a], a.certificates ? { certificates: a.certificates } : { publicKey: d.signer().publicKey });
  }
  const first = attestations.find((a) => a.tlog);
  return first?.tlog ? { [TRANSPARENCY_ANNOTATION]: entryUrl(first.tlog) } : {};
}
