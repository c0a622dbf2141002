import type { LoggedEntry } from '../transparency/entry.ts';
import type { DsseEnvelope } from '../dsse/envelope.ts';
import type { Subject } from '../intoto/statement.ts';

/**
 * What the checks read of an attestation, whatever its predicate version: the SLSA v0.2
 * (`in-toto`) and v1.0 (`slsa/v2alpha4`) layouts are mapped onto this once, in
 * `views/`, so that each check is written once.
 */
export interface RunView {
  predicateType: string;
  builderId?: string;
  buildType?: string;
  startedOn?: string;
  finishedOn?: string;
  subjects: Subject[];
  /** PipelineRun params (with defaults), by name. */
  params: Record<string, unknown>;
  /** PipelineRun results, by name. */
  results: Record<string, unknown>;
  tasks: TaskView[];
  materials: MaterialView[];
  event: EmbeddedEvent;
  /** True when the attestation says every child was attested (no CustomRun/deleted gaps). */
  complete?: boolean;
  /** The gaps the attestation lists: pipeline task and why (deleted, customrun, not-exported). */
  incomplete?: { name: string; reason: string }[];
}

export interface TaskView {
  /** Pipeline task name. */
  name: string;
  status?: string;
  after: string[];
  ref: { name?: string; kind?: string; bundle?: string; resolver?: string };
  /** Where the definition came from (Tekton's provenance.refSource). */
  source?: { uri: string; digest: Record<string, string> };
  startedOn?: string;
  finishedOn?: string;
  images: string[];
  results: Record<string, unknown>;
  params: Record<string, unknown>;
}

export interface MaterialView {
  /** v1.0 resolvedDependencies name (`inputs/result`, `pipelineTask`...), when given. */
  name?: string;
  uri: string;
  digest: Record<string, string>;
}

/** The trigger event embedded in an attestation. */
export type EmbeddedEvent =
  | { state: 'found'; envelope: DsseEnvelope; digest: string; eventId?: string; certificates?: string[]; tlog?: LoggedEntry }
  | { state: 'absent'; reason: string }
  | { state: 'mismatch'; reason: string }
  | { state: 'unreadable'; reason: string };
