import type { TektonRun } from '../model/types.ts';
import type { RunRef } from './types.ts';

/** The RunRef storage backends key attestations by. */
export function runRef(run: TektonRun): RunRef {
  const m = run.pipelineRun.meta;
  return { apiVersion: run.pipelineRun.apiVersion, namespace: m.namespace, name: m.name, uid: m.uid };
}
