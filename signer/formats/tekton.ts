import type { JsonObject, TektonRun } from '../model/types.ts';
import type { AttestationFormat } from './format.ts';
import { runSubjects } from './shared/subjects.ts';
import { incompleteTasks } from './shared/tasks.ts';

/** payloadType of the `tekton` format: a PipelineRun status document, not an in-toto Statement. */
export const TEKTON_PAYLOAD_TYPE = 'application/vnd.tekton-provenance.pipelinerun-status+json';
export const TEKTON_PREDICATE_TYPE = 'https://tekton-provenance.dev/formats/tekton/v1';

/**
 * `tekton` (TEP-0084): the PipelineRun's status plus each TaskRun's status, verbatim, signed.
 * Chains removed this format; it is the rawest record for debugging and backfills.
 */
export const tektonFormat: AttestationFormat = {
  name: 'tekton',
  payloadType: TEKTON_PAYLOAD_TYPE,
  predicateType: TEKTON_PREDICATE_TYPE,
  subjects: (run, opts) => runSubjects(run, opts.deepInspection === true),
  build(run: TektonRun): JsonObject {
    const pr = run.pipelineRun;
    return {
      apiVersion: pr.apiVersion,
      kind: 'PipelineRun',
      metadata: { name: pr.meta.name, namespace: pr.meta.namespace, uid: pr.meta.uid },
      status: pr.rawStatus,
      taskRuns: run.taskRuns.map((tr) => ({
        name: tr.meta.name,
        uid: tr.meta.uid,
        pipelineTaskName: tr.pipelineTaskName,
        status: tr.rawStatus,
      })),
      incompleteTasks: incompleteTasks(run).map((t) => ({ ...t })),
    };
  },
};
