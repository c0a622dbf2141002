import type { RunRef } from '../../attest/types.ts';

/** A PipelineRun's annotations as last read, with the resourceVersion a patch must match. */
export interface RunAnnotationsSnapshot {
  annotations: Record<string, string>;
  resourceVersion: string;
}

/**
 * What the `tekton` backend needs from the API (implemented by the controller's PipelineRun
 * client): a fresh read and a merge patch of annotations guarded by resourceVersion, failing
 * with RUN_CONFLICT (409) or RUN_GONE (404) instead of overwriting a newer object.
 */
export interface RunAnnotationsApi {
  readAnnotations(run: RunRef): Promise<RunAnnotationsSnapshot | undefined>;
  patchAnnotations(run: RunRef, resourceVersion: string, changes: Record<string, string | null>): Promise<void>;
}

/** Kubernetes rejects objects whose annotations (keys + values) total more than 256 KiB. */
export const ANNOTATIONS_LIMIT_BYTES = 256 * 1024;

export function annotationsSize(annotations: Record<string, string>): number {
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) total += Buffer.byteLength(k) + Buffer.byteLength(v);
  return total;
}
