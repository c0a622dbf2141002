import { buildAttestations } from '../attest/attest-run.ts';
import { resolveEventLink } from '../attest/event-link.ts';
import { eventLogWaitMs } from './event-log-wait.ts';
import type { RunRef, SignedAttestation } from '../attest/types.ts';
import { isProvenanceError } from '../errors.ts';
import { normaliseRun } from '../model/normalise.ts';
import type { StoredLocation } from '../storage/backend.ts';
import { isNotApplicable } from '../storage/errors.ts';
import { isPermanentTlogError } from '../transparency/errors.ts';
import { isPermanentKeylessError } from '../keyless/errors.ts';
import { RETRIES_ANNOTATION } from './annotations.ts';
import { collectChildren } from './children.ts';
import type { ReconcileDeps } from './deps.ts';
import { controllerError } from './errors.ts';
import { isDone, isFinished } from './filter.ts';
import type { KubeObject } from './kube/tekton-api.ts';
import { holdFinalizer, markFailed, markSigned, recordRetry, releaseFinalizer } from './outcome.ts';
import type { HandleResult } from './queue.ts';
import { journalLogged, signOnce } from './sign-once.ts';
import { logRun, signingIdentity } from './transparency.ts';

/** An error tagged with the step it came from (metrics label and log field). */
class StepError extends Error {
  readonly stage: string;
  constructor(stage: string, cause: unknown) {
    super((cause as Error)?.message ?? String(cause), { cause });
    this.stage = stage;
  }
}

async function step<T>(stage: string, fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof StepError) throw err; // a nested step names itself (certificate within sign)
    throw new StepError(stage, err);
  }
}

const refOf = (pr: KubeObject, apiVersion: string): RunRef => ({
  apiVersion: pr.apiVersion ?? apiVersion, namespace: pr.metadata?.namespace ?? '', name: pr.metadata?.name ?? '', uid: pr.metadata?.uid ?? '',
});

/**
 * Reconciles one PipelineRun by key (`namespace/name`): read fresh -> (finalizer) -> children
 * -> event -> build -> sign once (journaled) -> log (transparency) -> store everywhere -> mark
 * signed. Every step re-reads what it acts on, so a stale watch event or a second life of the
 * process never attests twice, and a retry replays the envelope already signed and logged.
 */
export async function reconcileRun(d: ReconcileDeps, key: string): Promise<HandleResult> {
  const [namespace = '', name = ''] = key.split('/');
  let pr: KubeObject | undefined;
  try {
    pr = await d.api.get('PipelineRun', namespace, name);
    if (!pr) return {}; // deleted: nothing to hold or attest
    if (isFinished(pr)) return await settle(() => releaseFinalizer(d, pr as KubeObject), d);
    if (!isDone(pr)) return await settle(() => holdFinalizer(d, pr as KubeObject), d);
    if (d.config().storage.length === 0) return await settle(() => releaseFinalizer(d, pr as KubeObject), d); // attestation disabled
  } catch (err) {
    d.metrics.error('fetch', err);
    return { requeueAfterMs: 1000 }; // the API is the problem, not the run: no retry counted
  }
  const ref = refOf(pr, d.api.apiVersion);
  try {
    const children = await step('children', () => collectChildren(d.api, pr, d.config().controller.childGraceMs));
    if (!children.ready) return { requeueAfterMs: children.waitMs };
    const run = await step('model', () => normaliseRun(pr, children.children));
    const event = await step('event', () => resolveEventLink(run, d.events.byId, d.events.byDigest));
    const logWait = eventLogWaitMs(event);
    if (logWait !== undefined) return { requeueAfterMs: logWait }; // its keyless event is not logged yet
    const cfg = d.config();
    const attestations = await step('sign', () => signOnce(d, ref, buildAttestations(run, {
      formats: cfg.formats, builderId: cfg.builderId, event, deepInspection: cfg.deepInspection,
      ...(cfg.buildType ? { buildType: cfg.buildType } : {}), ...(cfg.inTotoBuildType ? { inTotoBuildType: cfg.inTotoBuildType } : {}),
    }), () => step('certificate', () => signingIdentity(d))));
    const logged = await step('transparency', async () => {
      const annotations = await logRun(d, pr, attestations);
      await journalLogged(d, attestations);
      return annotations;
    });
    const stored = await step('store', () => storeEverywhere(d, ref, attestations));
    if (event.state !== 'absent' && event.record) await markEventAttested(d, event.record.eventId, ref);
    await step('mark', () => markSigned(d, ref, pr, stored, logged));
    return {};
  } catch (err) {
    return handleFailure(d, pr, ref, err);
  }
}

/**
 * The stored attestation now embeds the whole signed event record, so the event store may
 * drop it after `events.retention.attested`. A failure only delays that (the record is then
 * pruned as unclaimed, later): logged and counted, never a reason to retry the run.
 */
async function markEventAttested(d: ReconcileDeps, eventId: string, ref: RunRef): Promise<void> {
  if (!d.events.markAttested) return;
  try {
    await d.events.markAttested(eventId, ref.uid, new Date());
  } catch (err) {
    d.metrics.error('event-mark', err);
    d.log.warn('cannot mark the event record attested', { eventId, namespace: ref.namespace, name: ref.name, cause: (err as Error).message });
  }
}

async function settle(fn: () => Promise<void>, d: ReconcileDeps): Promise<HandleResult> {
  try {
    await fn();
    return {};
  } catch (err) {
    d.metrics.error('finalizer', err);
    return isProvenanceError(err, 'RUN_GONE') ? {} : { requeueAfterMs: 500 };
  }
}

/**
 * Stores each attestation in every backend, in order (tekton last: it may reference the
 * others). A backend with nothing to do (`oci` without image subjects, or for the non-in-toto
 * `tekton` format) is skipped; any other
 * failure aborts so the run is retried (backends are idempotent). Nothing stored = failure.
 */
async function storeEverywhere(d: ReconcileDeps, ref: RunRef, attestations: SignedAttestation[]): Promise<StoredLocation[]> {
  const all: StoredLocation[] = [];
  for (const attestation of attestations) {
    const mine: StoredLocation[] = [];
    for (const backend of d.storage()) {
      try {
        mine.push(await backend.store(ref, attestation, { stored: mine }));
        d.metrics.storageWrites.inc({ backend: backend.name, result: 'ok' });
      } catch (err) {
        d.metrics.storageWrites.inc({ backend: backend.name, result: 'error' });
        if (isNotApplicable(err)) continue;
        throw err;
      }
    }
    if (mine.length === 0) {
      throw controllerError('NOTHING_STORED', `no configured backend (${d.config().storage.join(', ')}) could store the ${attestation.format} attestation`);
    }
    all.push(...mine);
  }
  return all;
}

/** Counts the attempt, backs off exponentially, and gives up with `signed=failed` after the last retry. */
async function handleFailure(d: ReconcileDeps, pr: KubeObject, ref: RunRef, err: unknown): Promise<HandleResult> {
  const stage = err instanceof StepError ? err.stage : 'unknown';
  const cause = err instanceof StepError ? err.cause : err;
  d.metrics.error(stage, cause);
  const code = (cause as { code?: unknown })?.code;
  const reason = `${stage}: ${typeof code === 'string' ? `${code}: ` : ''}${(cause as Error)?.message ?? String(cause)}`;
  if (isProvenanceError(cause, 'RUN_GONE')) return {};
  const cfg = d.config().controller;
  const previous = Math.max(Number(pr.metadata?.annotations?.[RETRIES_ANNOTATION] ?? 0) || 0, d.attempts.get(ref.uid) ?? 0);
  const retries = previous + 1;
  d.attempts.set(ref.uid, retries);
  const permanent = isProvenanceError(cause, 'NOTHING_STORED') || isPermanentTlogError(cause) || isPermanentKeylessError(cause);
  try {
    if (permanent || retries > cfg.maxRetries) {
      await markFailed(d, ref, retries, reason);
      return {};
    }
    await recordRetry(d, pr, ref, retries);
  } catch (markErr) {
    d.metrics.error('mark', markErr);
    return { requeueAfterMs: cfg.backoffBaseMs }; // the final state must be written: try again
  }
  await d.recorder.record(ref, 'Warning', 'AttestationRetry', `attempt ${retries} of ${cfg.maxRetries + 1} failed: ${reason}`);
  d.log.warn('attestation attempt failed', { namespace: ref.namespace, name: ref.name, retries, stage, reason });
  return { requeueAfterMs: Math.min(cfg.backoffBaseMs * 2 ** (retries - 1), cfg.backoffMaxMs) };
}
