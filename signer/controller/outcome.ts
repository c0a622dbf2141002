import type { RunRef } from '../attest/types.ts';
import { isProvenanceError } from '../errors.ts';
import type { StoredLocation } from '../storage/backend.ts';
import { ATTESTATIONS_ANNOTATION, FAILURE_ANNOTATION, FINALIZER, RETRIES_ANNOTATION, SIGNED_ANNOTATION } from './annotations.ts';
import type { ReconcileDeps } from './deps.ts';
import { completionMs, hasFinalizer, isFinished } from './filter.ts';
import type { KubeObject } from './kube/tekton-api.ts';

const withoutOurFinalizer = (pr: KubeObject): string[] => (pr.metadata?.finalizers ?? []).filter((f) => f !== FINALIZER);

/**
 * Writes the final state with ONE guarded patch: the status annotations and the removal of our
 * finalizer. Re-reads before each attempt: if another replica (or an earlier life of this
 * process) already finished the run, nothing is written twice. Returns false when the run is gone.
 */
async function finish(d: ReconcileDeps, ref: RunRef, annotations: Record<string, string | null>): Promise<'written' | 'already' | 'gone'> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const pr = await d.api.get('PipelineRun', ref.namespace, ref.name);
    if (!pr || pr.metadata?.uid !== ref.uid) return 'gone';
    if (isFinished(pr)) return 'already';
    try {
      await d.api.patchMetadata(ref.namespace, ref.name, pr.metadata?.resourceVersion ?? '', { annotations, finalizers: withoutOurFinalizer(pr) });
      return 'written';
    } catch (err) {
      if (isProvenanceError(err, 'RUN_GONE')) return 'gone';
      if (!isProvenanceError(err, 'RUN_CONFLICT')) throw err;
    }
  }
  return 'already';
}

/**
 * `signed=true` with every location: only called once every configured backend (and the
 * transparency log, when on) confirmed. `extra`: e.g. Chains' `chains.tekton.dev/transparency`.
 */
export async function markSigned(d: ReconcileDeps, ref: RunRef, pr: KubeObject, stored: StoredLocation[], extra: Record<string, string> = {}): Promise<void> {
  const result = await finish(d, ref, {
    ...extra,
    [SIGNED_ANNOTATION]: 'true',
    [ATTESTATIONS_ANNOTATION]: JSON.stringify(stored.map((s) => ({ backend: s.backend, location: s.location }))),
    [RETRIES_ANNOTATION]: null,
    [FAILURE_ANNOTATION]: null,
  });
  d.attempts.delete(ref.uid);
  await forgetSigned(d, ref);
  if (result !== 'written') return;
  d.metrics.attestations.inc({ result: 'signed' });
  d.metrics.latency.observe(Math.max(0, Date.now() - completionMs(pr)) / 1000);
  d.log.info('run attested', { namespace: ref.namespace, name: ref.name, locations: stored.length });
}

/** `signed=failed` after the last retry, with the reason, a Warning Event and a metric. */
export async function markFailed(d: ReconcileDeps, ref: RunRef, retries: number, reason: string): Promise<void> {
  const result = await finish(d, ref, {
    [SIGNED_ANNOTATION]: 'failed',
    [RETRIES_ANNOTATION]: String(retries),
    [FAILURE_ANNOTATION]: reason.slice(0, 512),
  });
  d.attempts.delete(ref.uid);
  await forgetSigned(d, ref);
  if (result !== 'written') return;
  d.metrics.attestations.inc({ result: 'failed' });
  await d.recorder.record(ref, 'Warning', 'AttestationFailed', `gave up after ${retries} attempts: ${reason}`);
  d.log.error('run attestation failed', { namespace: ref.namespace, name: ref.name, retries, reason });
}

/**
 * The run is marked: its journaled envelopes are no longer needed. Best effort: an entry left
 * behind is never replayed (the run is finished) and expires with the journal's TTL.
 */
async function forgetSigned(d: ReconcileDeps, ref: RunRef): Promise<void> {
  try {
    await d.journal.forget(ref.uid);
  } catch (err) {
    d.metrics.error('journal', err);
    d.log.warn('cannot drop the journaled envelopes of a marked run', { namespace: ref.namespace, name: ref.name, cause: (err as Error).message });
  }
}

/** Records one failed attempt on the run (best effort: the in-memory count bounds it anyway). */
export async function recordRetry(d: ReconcileDeps, pr: KubeObject, ref: RunRef, retries: number): Promise<void> {
  try {
    await d.api.patchMetadata(ref.namespace, ref.name, pr.metadata?.resourceVersion ?? '', { annotations: { [RETRIES_ANNOTATION]: String(retries) } });
  } catch (err) {
    d.metrics.error('mark', err);
  }
}

/** Adds our finalizer to an unfinished run (not while it is being deleted: the API refuses that). */
export async function holdFinalizer(d: ReconcileDeps, pr: KubeObject): Promise<void> {
  if (hasFinalizer(pr) || pr.metadata?.deletionTimestamp) return;
  const m = pr.metadata ?? {};
  await d.api.patchMetadata(m.namespace ?? '', m.name ?? '', m.resourceVersion ?? '', { finalizers: [...(m.finalizers ?? []), FINALIZER] });
}

/** Drops our finalizer from a run that is signed or failed (e.g. finished by an earlier process life). */
export async function releaseFinalizer(d: ReconcileDeps, pr: KubeObject): Promise<void> {
  if (!hasFinalizer(pr)) return;
  const m = pr.metadata ?? {};
  await d.api.patchMetadata(m.namespace ?? '', m.name ?? '', m.resourceVersion ?? '', { finalizers: withoutOurFinalizer(pr) });
}
