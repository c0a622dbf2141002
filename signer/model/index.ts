// The TektonRun model: one import site for callers (controller, CLI, formats).
export type * from './types.ts';
export type { ModelErrorCode } from './errors.ts';
export { normaliseRun, matchChildren } from './normalise.ts';
export { normalisePipelineRun, childReferences } from './pipelinerun.ts';
export { normaliseTaskRun } from './taskrun.ts';
export { parseKubeObjects } from './parse-objects.ts';
