import type { TektonRun } from '../model/types.ts';
import { resultByproduct } from './shared/byproducts.ts';
import type { ResourceDescriptor } from './shared/resolved-dependencies.ts';
import { runSubjects } from './shared/subjects.ts';
import { slsaV1Format } from './slsa-v1.ts';

/**
 * `slsa/v2alpha3` (Chains' v2alpha3/internal/pipelinerun): subjects by the v0.2 type-hint
 * rules; every PipelineRun result is a byproduct, `pipelineRunResults/<result>` (type hints
 * included, no TaskRun results even with deep inspection); StepActions are not resolved.
 */
export const slsaV2alpha3 = slsaV1Format({
  name: 'slsa/v2alpha3',
  stepActions: false,
  subjects: runSubjects,
  byproducts(run: TektonRun): ResourceDescriptor[] {
    return run.pipelineRun.results.map((r) => resultByproduct(`pipelineRunResults/${r.name}`, r));
  },
});
