import type { KubeConfig } from '@kubernetes/client-node';
import { runPipeline, type DriveOptions, type RunInput } from '../../harness/tekton/index.ts';

/**
 * Plays the run simulator's writes while OUR controller also writes the PipelineRun
 * (finalizer, annotations): status as a merge patch of `/status`, as the real Tekton
 * controller effectively does by retrying conflicts.
 */
export async function drive(kc: KubeConfig, input: RunInput, opts: Pick<DriveOptions, 'beforeOp'> = {}): Promise<{ uid: string }> {
  const run = await runPipeline(kc, input, { ...opts, mergeStatus: true });
  return { uid: run.uid };
}
