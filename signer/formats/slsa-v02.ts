import { IN_TOTO_PAYLOAD_TYPE } from '../dsse/envelope.ts';
import { STATEMENT_V01, type Statement, type Subject } from '../intoto/statement.ts';
import type { DigestSet } from '../intoto/statement.ts';
import type { TektonRun } from '../model/types.ts';
import type { AttestationFormat, FormatContext } from './format.ts';
import { completeness, type Completeness } from './shared/completeness.ts';
import { eventMaterial, triggerEvent, type TriggerEvent } from './shared/event.ts';
import { invocation, type Invocation } from './shared/invocation.ts';
import { pipelineMaterials } from './shared/materials.ts';
import { runSubjects } from './shared/subjects.ts';
import { incompleteTasks, taskRecords, type IncompleteTask, type TaskRecord } from './shared/tasks.ts';

export const SLSA_V02_PREDICATE = 'https://slsa.dev/provenance/v0.2';
/** TEP-0084's buildType for PipelineRun attestations (`artifacts.pipelinerun.in-toto.buildtype`). */
export const PIPELINERUN_BUILD_TYPE = 'https://tekton.dev/attestations/chains/pipelinerun@v2';
/**
 * Chains' v0.2 buildType: the object's group/version/kind. Chains converts every PipelineRun to
 * tekton.dev/v1 before formatting, so v1beta1 runs get this value too.
 */
export const CHAINS_PIPELINERUN_BUILD_TYPE = 'tekton.dev/v1/PipelineRun';
const REPRODUCIBLE_LABEL = 'chains.tekton.dev/reproducible';

/** The SLSA v0.2 predicate as this format writes it (docs/formats.md). */
export interface SlsaV02Predicate {
  builder: { id: string };
  buildType: string;
  invocation: Invocation;
  buildConfig: { tasks: TaskRecord[]; triggerEvent: TriggerEvent; incompleteTasks?: IncompleteTask[] };
  metadata: {
    buildInvocationId: string;
    buildStartedOn?: string;
    buildFinishedOn?: string;
    completeness: Completeness;
    reproducible: boolean;
  };
  materials: { uri: string; digest: DigestSet }[];
}

/**
 * `in-toto` / `slsa/v1`: SLSA provenance v0.2 in a Statement v0.1 with the TEP-0084 layout,
 * plus the trigger event (material + embedded envelope) and missing children. Field by field
 * in docs/formats.md.
 */
export const slsaV02: AttestationFormat = {
  name: 'in-toto',
  payloadType: IN_TOTO_PAYLOAD_TYPE,
  predicateType: SLSA_V02_PREDICATE,
  subjects: (run, opts) => runSubjects(run, opts.deepInspection === true),
  build(run: TektonRun, ctx: FormatContext): Statement<SlsaV02Predicate> {
    const pr = run.pipelineRun;
    const incomplete = incompleteTasks(run);
    const mats = pipelineMaterials(run, ctx.deepInspection === true);
    const ev = eventMaterial(ctx.event);
    if (ev) mats.push({ uri: ev.uri, digest: ev.digest });
    const subject: Subject[] = this.subjects(run, ctx);
    // Spreads omit empty optional fields while keeping the documented field order.
    return {
      _type: STATEMENT_V01,
      predicateType: SLSA_V02_PREDICATE,
      subject,
      predicate: {
        builder: { id: ctx.builderId },
        buildType: ctx.inTotoBuildType ?? CHAINS_PIPELINERUN_BUILD_TYPE,
        invocation: invocation(pr.refSource, pr.params, pr.paramSpecs, pr.meta),
        buildConfig: { tasks: taskRecords(run), triggerEvent: triggerEvent(ctx.event), ...(incomplete.length > 0 ? { incompleteTasks: incomplete } : {}) },
        metadata: {
          buildInvocationId: pr.meta.uid,
          ...(pr.startTime ? { buildStartedOn: pr.startTime } : {}),
          ...(pr.completionTime ? { buildFinishedOn: pr.completionTime } : {}),
          completeness: completeness(run, ctx.event),
          reproducible: pr.meta.labels[REPRODUCIBLE_LABEL] === 'true',
        },
        materials: mats,
      },
    };
  },
};
