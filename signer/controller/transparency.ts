import type { SignedAttestation } from '../attest/types.ts';
import { entryUrl } from '../transparency/entry.ts';
import { logAttestations, shouldLog, TRANSPARENCY_ANNOTATION } from '../transparency/upload.ts';
import type { ReconcileDeps } from './deps.ts';
import type { KubeObject } from './kube/tekton-api.ts';

/**
 * Logs the run's attestations when `transparency.enabled` says so, before anything is stored
 * (as Chains does), so every backend keeps the entry and `signed=true` implies "logged".
 * Returns Chains' run annotation to write with `signed=true`.
 */
export async function logRun(d: ReconcileDeps, pr: KubeObject, attestations: SignedAttestation[]): Promise<Record<string, string>> {
  const log = d.transparency();
  if (!log || !shouldLog(d.config().transparency.mode, pr.metadata?.annotations)) return {};
  await logAttestations(log, attestations, { publicKey: d.signer().publicKey });
  const first = attestations.find((a) => a.tlog);
  return first?.tlog ? { [TRANSPARENCY_ANNOTATION]: entryUrl(first.tlog) } : {};
}
