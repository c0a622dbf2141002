import { IN_TOTO_PAYLOAD_TYPE } from '../dsse/envelope.ts';
import { STATEMENT_V01, type Statement, type Subject } from '../intoto/statement.ts';
import type { TektonRun } from '../model/types.ts';
import type { AttestationFormat, FormatContext } from './format.ts';
import { completeness } from './shared/completeness.ts';
import { eventMaterial, triggerEvent } from './shared/event.ts';
import { invocation } from './shared/invocation.ts';
import { materials } from './shared/materials.ts';
import { subjectsFromResults } from './shared/subjects.ts';
import { incompleteTasks, taskRecords } from './shared/tasks.ts';

export const SLSA_V02_PREDICATE = 'https://slsa.dev/provenance/v0.2';
/** TEP-0084's buildType for PipelineRun attestations. */
export const PIPELINERUN_BUILD_TYPE = 'https://tekton.dev/attestations/chains/pipelinerun@v2';
const REPRODUCIBLE_LABEL = 'chains.tekton.dev/reproducible';

/**
 * `in-toto` / `slsa/v1`: SLSA provenance v0.2 in a Statement v0.1 with the TEP-0084 layout,
 * plus the trigger event (material + embedded envelope) and missing children. Field by field
 * in docs/formats.md.
 */
export const slsaV02: AttestationFormat = {
  name: 'in-toto',
  payloadType: IN_TOTO_PAYLOAD_TYPE,
  predicateType: SLSA_V02_PREDICATE,
  subjects: (run) => subjectsFromResults(run.pipelineRun.results),
  build(run: TektonRun, ctx: FormatContext): Statement {
    const pr = run.pipelineRun;
    const buildConfig: Record<string, unknown> = { tasks: taskRecords(run), triggerEvent: triggerEvent(ctx.event) };
    const incomplete = incompleteTasks(run);
    if (incomplete.length > 0) buildConfig['incompleteTasks'] = incomplete;
    const mats: { uri: string; digest: Record<string, string> }[] = materials(run).map((m) => ({ uri: m.uri, digest: m.digest }));
    const ev = eventMaterial(ctx.event);
    if (ev) mats.push({ uri: ev.uri, digest: ev.digest });
    const metadata: Record<string, unknown> = { buildInvocationId: pr.meta.uid };
    if (pr.startTime) metadata['buildStartedOn'] = pr.startTime;
    if (pr.completionTime) metadata['buildFinishedOn'] = pr.completionTime;
    metadata['completeness'] = completeness(run, ctx.event);
    metadata['reproducible'] = pr.meta.labels[REPRODUCIBLE_LABEL] === 'true';
    const subject: Subject[] = this.subjects(run);
    return {
      _type: STATEMENT_V01,
      predicateType: SLSA_V02_PREDICATE,
      subject,
      predicate: {
        builder: { id: ctx.builderId },
        buildType: ctx.buildType ?? PIPELINERUN_BUILD_TYPE,
        invocation: invocation(pr.refSource, pr.params, pr.paramSpecs, pr.meta),
        buildConfig,
        metadata,
        materials: mats,
      },
    };
  },
};
