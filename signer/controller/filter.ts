import { FINALIZER, SIGNED_ANNOTATION } from './annotations.ts';
import type { KubeObject } from './kube/tekton-api.ts';

/** The Succeeded condition decides done-ness, as in Tekton (`True`/`False` = done, `Unknown` = running). */
export function isDone(obj: KubeObject): boolean {
  const conditions = (obj.status?.['conditions'] ?? []) as Array<{ type?: string; status?: string }>;
  const succeeded = Array.isArray(conditions) ? conditions.find((c) => c.type === 'Succeeded') : undefined;
  return succeeded?.status === 'True' || succeeded?.status === 'False';
}

/** `status.completionTime` in ms (falls back to now when a done run lacks it). */
export function completionMs(obj: KubeObject): number {
  const t = Date.parse(String(obj.status?.['completionTime'] ?? ''));
  return Number.isFinite(t) ? t : Date.now();
}

export function signedState(obj: KubeObject): string | undefined {
  return obj.metadata?.annotations?.[SIGNED_ANNOTATION];
}

export function isFinished(obj: KubeObject): boolean {
  const s = signedState(obj);
  return s === 'true' || s === 'failed';
}

export function hasFinalizer(obj: KubeObject): boolean {
  return (obj.metadata?.finalizers ?? []).includes(FINALIZER);
}

export type WatchDecision = { enqueue: false } | { enqueue: true; priority: number };

/**
 * What a watch event about a PipelineRun means for the queue: done and unattested runs are
 * queued by completion time (newest first); unfinished runs without our finalizer are queued
 * by creation time (to add it); attested runs still holding the finalizer are queued to drop it.
 */
export function decide(obj: KubeObject): WatchDecision {
  if (isFinished(obj)) return hasFinalizer(obj) ? { enqueue: true, priority: Date.now() } : { enqueue: false };
  if (isDone(obj)) return { enqueue: true, priority: completionMs(obj) };
  if (!hasFinalizer(obj) && !obj.metadata?.deletionTimestamp) {
    return { enqueue: true, priority: Date.parse(obj.metadata?.creationTimestamp ?? '') || Date.now() };
  }
  return { enqueue: false };
}
