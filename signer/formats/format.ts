import type { EventLink } from '../attest/types.ts';
import type { Statement, Subject } from '../intoto/statement.ts';
import type { JsonObject, TektonRun } from '../model/types.ts';

/** What a format needs beyond the run: config values and the resolved trigger event. */
export interface FormatContext {
  /** `builder.id` (default https://tekton.dev/chains/v2). */
  builderId: string;
  /**
   * SLSA v1.0 `buildDefinition.buildType` (Chains' `builddefinition.buildtype`, which only
   * the v1.0 formats read); unset = the format's default.
   */
  buildType?: string;
  /** SLSA v0.2 `buildType` of the `in-toto` format (`artifacts.pipelinerun.in-toto.buildtype`); unset = Chains' `tekton.dev/v1/PipelineRun`. */
  inTotoBuildType?: string;
  /** `artifacts.pipelinerun.enable-deep-inspection`: read the TaskRuns' results too, as Chains does. */
  deepInspection?: boolean;
  event: EventLink;
  /** Reserved for formats that record attestation time; deterministic in tests when injected. */
  now?: () => Date;
}

/**
 * One attestation format, registered under its `artifacts.pipelinerun.format` value.
 * `build` returns the document to serialise and sign (an in-toto Statement, or for `tekton`
 * a plain JSON object); `subjects` are the artifacts it is about (for OCI storage).
 */
export interface AttestationFormat {
  readonly name: string;
  readonly payloadType: string;
  readonly predicateType: string;
  build(run: TektonRun, ctx: FormatContext): Statement | JsonObject;
  subjects(run: TektonRun, opts: SubjectOptions): Subject[];
}

/** What subject detection depends on: deep inspection adds the TaskRuns' artifacts. */
export interface SubjectOptions {
  deepInspection?: boolean;
}

export const DEFAULT_BUILDER_ID = 'https://tekton.dev/chains/v2';
