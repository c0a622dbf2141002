import type { TektonRun } from '../model/types.ts';
import { nonArtifactByproducts } from './shared/byproducts.ts';
import { executedTaskRuns } from './shared/executed.ts';
import type { ResourceDescriptor } from './shared/resolved-dependencies.ts';
import { runBuildArtifactSubjects } from './shared/subjects.ts';
import { slsaV1Format } from './slsa-v1.ts';

/**
 * `slsa/v2alpha4` (Chains' v2alpha4/internal/pipelinerun): subjects are build artifacts
 * (`isBuildArtifact: "true"`) and images; byproducts are the results that are neither,
 * `pipelineRunResults/<PipelineRun>/<result>`, and with deep inspection each executed TaskRun's
 * `taskRunResults/<TaskRun>/<result>` and `stepResults/<TaskRun>/<result>`; StepActions resolved.
 */
export const slsaV2alpha4 = slsaV1Format({
  name: 'slsa/v2alpha4',
  stepActions: true,
  subjects: runBuildArtifactSubjects,
  byproducts(run: TektonRun, deep: boolean): ResourceDescriptor[] {
    const pr = run.pipelineRun.meta.name;
    const out = nonArtifactByproducts(run.pipelineRun.results, (r) => `pipelineRunResults/${pr}/${r}`);
    if (!deep) return out;
    for (const tr of executedTaskRuns(run)) {
      const name = tr.meta.name;
      out.push(...nonArtifactByproducts(tr.results, (r) => `taskRunResults/${name}/${r}`));
      out.push(...nonArtifactByproducts(tr.steps.flatMap((s) => s.results), (r) => `stepResults/${name}/${r}`));
    }
    return out;
  },
});
