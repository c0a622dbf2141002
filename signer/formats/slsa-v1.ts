import { IN_TOTO_PAYLOAD_TYPE } from '../dsse/envelope.ts';
import { serializeEnvelope } from '../dsse/sign.ts';
import { STATEMENT_V1, type Statement, type Subject } from '../intoto/statement.ts';
import type { JsonValue, TektonRun } from '../model/types.ts';
import type { AttestationFormat, FormatContext } from './format.ts';
import { DSSE_MEDIA_TYPE, eventMaterial, triggerEvent } from './shared/event.ts';
import { ownStatusAnnotation } from './shared/invocation.ts';
import { pipelineRunDependencies, type ResourceDescriptor } from './shared/resolved-dependencies.ts';
import { incompleteTasks, taskRecords } from './shared/tasks.ts';

export type { ResourceDescriptor } from './shared/resolved-dependencies.ts';

export const SLSA_V1_PREDICATE = 'https://slsa.dev/provenance/v1';
/** Chains' default `builddefinition.buildtype`; `.../slsa-tekton` adds labels, annotations and TaskRun contents. */
export const SLSA_BUILD_TYPE = 'https://tekton.dev/chains/v2/slsa';
export const SLSA_TEKTON_BUILD_TYPE = 'https://tekton.dev/chains/v2/slsa-tekton';
/** Media type of one `buildConfig.tasks[]` record carried as a byproduct (ours). */
export const TASK_RECORD_MEDIA_TYPE = 'application/vnd.tekton-provenance.task+json';

/** The SLSA v1.0 predicate as these formats write it (docs/formats.md). */
export interface SlsaV1Predicate {
  buildDefinition: {
    buildType: string;
    externalParameters: { buildConfigSource?: { ref: string; repository: string; path: string }; runSpec: JsonValue };
    internalParameters: Record<string, JsonValue>;
    resolvedDependencies: ResourceDescriptor[];
  };
  runDetails: {
    builder: { id: string };
    metadata: { invocationId: string; startedOn?: string; finishedOn?: string };
    byproducts: ResourceDescriptor[];
  };
}

/**
 * What differs between Chains' v1.0 PipelineRun formats (v2alpha3, v2alpha4): subject rules,
 * byproduct naming and selection, and whether StepActions are resolved. Everything else is
 * this module, as Chains shares its `slsa/internal` packages.
 */
export interface SlsaV1Variant {
  name: string;
  subjects(run: TektonRun, deep: boolean): Subject[];
  /** Chains' byproducts; our task records are appended by the shared builder. */
  byproducts(run: TektonRun, deep: boolean): ResourceDescriptor[];
  /** Chains' ResolveOptions.WithStepActionsResults. */
  stepActions: boolean;
}

/**
 * SLSA provenance v1.0 in a Statement v1, laid out as Chains' v1.0 PipelineRun formats. Our
 * additions (trigger event, task records, completeness) are extra keys and list items, each
 * documented in docs/formats.md.
 */
export function slsaV1Format(variant: SlsaV1Variant): AttestationFormat {
  return {
    name: variant.name,
    payloadType: IN_TOTO_PAYLOAD_TYPE,
    predicateType: SLSA_V1_PREDICATE,
    subjects: (run, opts) => variant.subjects(run, opts.deepInspection === true),
    build(run: TektonRun, ctx: FormatContext): Statement<SlsaV1Predicate> {
      const pr = run.pipelineRun;
      const deep = ctx.deepInspection === true;
      const buildType = ctx.buildType ?? SLSA_BUILD_TYPE;
      const metadata = {
        invocationId: pr.meta.uid,
        ...(pr.startTime ? { startedOn: pr.startTime } : {}),
        ...(pr.completionTime ? { finishedOn: pr.completionTime } : {}),
      };
      const dependencies = pipelineRunDependencies(run, { deep, stepActions: variant.stepActions, taskContent: buildType === SLSA_TEKTON_BUILD_TYPE });
      return {
        _type: STATEMENT_V1,
        predicateType: SLSA_V1_PREDICATE,
        subject: variant.subjects(run, deep),
        predicate: {
          buildDefinition: {
            buildType,
            externalParameters: externalParameters(run),
            internalParameters: internalParameters(run, ctx, buildType),
            resolvedDependencies: [...dependencies, ...eventDependency(ctx)],
          },
          runDetails: { builder: { id: ctx.builderId }, metadata, byproducts: [...variant.byproducts(run, deep), ...taskByproducts(run)] },
        },
      };
    },
  };
}

/** Chains' externalparameters.PipelineRun: `buildConfigSource` for remotely resolved pipelines, then the spec. */
function externalParameters(run: TektonRun): SlsaV1Predicate['buildDefinition']['externalParameters'] {
  const pr = run.pipelineRun;
  const resolver = pr.pipelineRef?.resolver;
  const src = pr.refSource;
  if (src === undefined || resolver === undefined || resolver === '' || resolver === 'Cluster') return { runSpec: pr.rawSpec };
  const alg = Object.keys(src.digest).sort()[0];
  const ref = alg === undefined ? '' : `${alg}:${src.digest[alg] ?? ''}`;
  return { buildConfigSource: { ref, repository: src.uri, path: src.entryPoint }, runSpec: pr.rawSpec };
}

function internalParameters(run: TektonRun, ctx: FormatContext, buildType: string): Record<string, JsonValue> {
  const pr = run.pipelineRun;
  const out: Record<string, JsonValue> = {};
  const flags = pr.rawStatus['provenance'];
  if (flags !== null && typeof flags === 'object' && !Array.isArray(flags) && flags['featureFlags'] !== undefined) {
    out['tekton-pipelines-feature-flags'] = flags['featureFlags'];
  }
  if (buildType === SLSA_TEKTON_BUILD_TYPE) {
    // As Chains (Go nil maps are null), except signers' status annotations (Chains' and ours):
    // they are written after signing, so a re-attested export would otherwise differ.
    const annotations = Object.fromEntries(Object.entries(pr.meta.annotations).filter(([k]) => !ownStatusAnnotation(k) && !k.startsWith('chains.tekton.dev/')));
    out['labels'] = Object.keys(pr.meta.labels).length > 0 ? pr.meta.labels : null;
    out['annotations'] = Object.keys(annotations).length > 0 ? annotations : null;
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

/** Ours: the signed event envelope as a dependency, when a record is known. */
function eventDependency(ctx: FormatContext): ResourceDescriptor[] {
  const ev = eventMaterial(ctx.event);
  if (!ev) return [];
  return [{ name: 'triggerEvent', uri: ev.uri, digest: ev.digest, content: Buffer.from(serializeEnvelope(ev.record.envelope)).toString('base64'), mediaType: DSSE_MEDIA_TYPE }];
}

/** Ours: one task record per executed task (`pipelineTask/<task>`), as the v0.2 `buildConfig.tasks[]`. */
function taskByproducts(run: TektonRun): ResourceDescriptor[] {
  return taskRecords(run).map((t) => ({ name: `pipelineTask/${t.name}`, content: Buffer.from(JSON.stringify(t)).toString('base64'), mediaType: TASK_RECORD_MEDIA_TYPE }));
}
