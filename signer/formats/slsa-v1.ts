import { IN_TOTO_PAYLOAD_TYPE } from '../dsse/envelope.ts';
import { serializeEnvelope } from '../dsse/sign.ts';
import { STATEMENT_V1, type DigestSet, type Statement } from '../intoto/statement.ts';
import type { JsonValue, TektonRun } from '../model/types.ts';
import type { AttestationFormat, FormatContext } from './format.ts';
import { DSSE_MEDIA_TYPE, eventMaterial, triggerEvent } from './shared/event.ts';
import { environment } from './shared/invocation.ts';
import { materials } from './shared/materials.ts';
import { isTypeHintResult, subjectsFromResults } from './shared/subjects.ts';
import { incompleteTasks, taskRecords } from './shared/tasks.ts';

export const SLSA_V1_PREDICATE = 'https://slsa.dev/provenance/v1';
/** Chains' default `builddefinition.buildtype`; `.../slsa-tekton` adds labels and annotations. */
export const SLSA_BUILD_TYPE = 'https://tekton.dev/chains/v2/slsa';
export const SLSA_TEKTON_BUILD_TYPE = 'https://tekton.dev/chains/v2/slsa-tekton';
const JSON_MEDIA_TYPE = 'application/json';
/** Media type of one `buildConfig.tasks[]` record carried as a byproduct. */
export const TASK_RECORD_MEDIA_TYPE = 'application/vnd.tekton-provenance.task+json';

/** SLSA v1.0 ResourceDescriptor (at least one of uri, digest, content). */
export interface ResourceDescriptor {
  name?: string;
  uri?: string;
  digest?: DigestSet;
  content?: string;
  mediaType?: string;
}

/** The SLSA v1.0 predicate as this format writes it (docs/formats.md). */
export interface SlsaV1Predicate {
  buildDefinition: {
    buildType: string;
    externalParameters: { runSpec: JsonValue };
    internalParameters: Record<string, JsonValue>;
    resolvedDependencies: ResourceDescriptor[];
  };
  runDetails: {
    builder: { id: string };
    metadata: { invocationID: string; startedOn?: string; finishedOn?: string };
    byproducts: ResourceDescriptor[];
  };
}

/**
 * `slsa/v2alpha4` (alias `slsa/v2alpha3`, same layout for runs without StepActions): SLSA
 * provenance v1.0 in a Statement v1, laid out as Chains' v2alpha4 PipelineRun format with
 * deep inspection. Our additions (trigger event, task records, completeness) are documented
 * field by field in docs/formats.md.
 */
export const slsaV1: AttestationFormat = {
  name: 'slsa/v2alpha4',
  payloadType: IN_TOTO_PAYLOAD_TYPE,
  predicateType: SLSA_V1_PREDICATE,
  subjects: (run) => subjectsFromResults(run.pipelineRun.results),
  build(run: TektonRun, ctx: FormatContext): Statement<SlsaV1Predicate> {
    const pr = run.pipelineRun;
    const buildType = ctx.buildType ?? SLSA_BUILD_TYPE;
    const metadata = {
      invocationID: pr.meta.uid,
      ...(pr.startTime ? { startedOn: pr.startTime } : {}),
      ...(pr.completionTime ? { finishedOn: pr.completionTime } : {}),
    };
    return {
      _type: STATEMENT_V1,
      predicateType: SLSA_V1_PREDICATE,
      subject: this.subjects(run),
      predicate: {
        buildDefinition: {
          buildType,
          externalParameters: { runSpec: pr.rawSpec },
          internalParameters: internalParameters(run, ctx, buildType),
          resolvedDependencies: resolvedDependencies(run, ctx),
        },
        runDetails: { builder: { id: ctx.builderId }, metadata, byproducts: byproducts(run) },
      },
    };
  },
};

function internalParameters(run: TektonRun, ctx: FormatContext, buildType: string): Record<string, JsonValue> {
  const pr = run.pipelineRun;
  const out: Record<string, JsonValue> = {};
  const flags = pr.rawStatus['provenance'];
  if (flags !== null && typeof flags === 'object' && !Array.isArray(flags) && flags['featureFlags'] !== undefined) {
    out['tekton-pipelines-feature-flags'] = flags['featureFlags'];
  }
  if (buildType === SLSA_TEKTON_BUILD_TYPE) {
    // Filtered as the v0.2 environment: status annotations written after signing stay out.
    const env = environment(pr.meta);
    out['labels'] = env?.labels ?? {};
    out['annotations'] = env?.annotations ?? {};
  }
  out['tekton-provenance.dev/triggerEvent'] = eventSummary(ctx);
  const incomplete = incompleteTasks(run);
  out['tekton-provenance.dev/complete'] = incomplete.length === 0;
  if (incomplete.length > 0) out['tekton-provenance.dev/incompleteTasks'] = incomplete as unknown as JsonValue;
  return out;
}

/** The event's state without the envelope (the envelope is a resolved dependency). */
function eventSummary(ctx: FormatContext): JsonValue {
  const { envelope: _envelope, ...rest } = triggerEvent(ctx.event) as { envelope?: unknown } & Record<string, JsonValue>;
  return rest;
}

/** Chains' names: `pipeline`, `pipelineTask`, `inputs/result`; images unnamed; then the event. */
function resolvedDependencies(run: TektonRun, ctx: FormatContext): ResourceDescriptor[] {
  // URIs as Tekton wrote them (git resolver: `git+https://...`, bundles: the OCI repository).
  const out: ResourceDescriptor[] = materials(run, { taskSourceFirst: true }).map((m) => ({ ...(m.kind ? { name: m.kind } : {}), uri: m.uri, digest: m.digest }));
  const ev = eventMaterial(ctx.event);
  if (ev) {
    out.push({
      name: 'triggerEvent',
      uri: ev.uri,
      digest: ev.digest,
      content: Buffer.from(serializeEnvelope(ev.record.envelope)).toString('base64'),
      mediaType: DSSE_MEDIA_TYPE,
    });
  }
  return out;
}

/**
 * Non-artifact PipelineRun results (`pipelineRunResults/<name>`), each TaskRun's results
 * (`taskRunResults/<task>/<name>`, deep inspection), then one task record per executed task
 * (`pipelineTask/<task>`): content is base64 JSON, as Chains encodes byproducts.
 */
function byproducts(run: TektonRun): ResourceDescriptor[] {
  const out: ResourceDescriptor[] = [];
  const json = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64');
  for (const r of run.pipelineRun.results) {
    if (!isTypeHintResult(r.name)) out.push({ name: `pipelineRunResults/${r.name}`, content: json(r.value), mediaType: JSON_MEDIA_TYPE });
  }
  for (const tr of run.taskRuns) {
    for (const r of tr.results) {
      out.push({ name: `taskRunResults/${tr.pipelineTaskName}/${r.name}`, content: json(r.value), mediaType: JSON_MEDIA_TYPE });
    }
  }
  for (const t of taskRecords(run)) out.push({ name: `pipelineTask/${t.name}`, content: json(t), mediaType: TASK_RECORD_MEDIA_TYPE });
  return out;
}
