import type { DigestSet } from '../../intoto/statement.ts';
import type { TaskRunInfo, TektonRun } from '../../model/types.ts';
import { executedTaskRuns } from './executed.ts';
import { imageMaterials, pipelineInputs, stepActionInputs, type Material } from './materials.ts';

/** SLSA v1.0 ResourceDescriptor (at least one of uri, digest, content). */
export interface ResourceDescriptor {
  name?: string;
  uri?: string;
  digest?: DigestSet;
  content?: string;
  mediaType?: string;
}

/** Chains' ResolveOptions plus the two switches its formats and buildTypes set. */
export interface ResolveOptions {
  /** `artifacts.pipelinerun.enable-deep-inspection`. */
  deep: boolean;
  /** v2alpha4 (WithStepActionsResults): `stepAction/<step>` dependencies and, deep, step-result inputs. */
  stepActions: boolean;
  /** The slsa-tekton buildType: each `pipelineTask` carries its TaskRun as `content`. */
  taskContent: boolean;
}

const PIPELINE = 'pipeline';
const PIPELINE_TASK = 'pipelineTask';
const INPUTS = 'inputs/result';
const STEP_ACTION = 'stepAction';

/**
 * Chains' resolveddependencies.PipelineRun: `pipeline` (the pipeline's refSource); per executed
 * TaskRun (pipeline order) its `pipelineTask` descriptor, `stepAction/<step>` for remote
 * StepActions (v2alpha4) and its images (unnamed); with deep inspection in v2alpha4 the steps'
 * type-hinted inputs; then the pipeline's inputs (`inputs/result`); duplicates removed.
 */
export function pipelineRunDependencies(run: TektonRun, opts: ResolveOptions): ResourceDescriptor[] {
  const out: ResourceDescriptor[] = [];
  const src = run.pipelineRun.refSource;
  if (src) out.push({ name: PIPELINE, uri: src.uri, digest: src.digest });
  const executed = executedTaskRuns(run);
  for (const tr of executed) {
    const task = taskDescriptor(tr, opts.taskContent);
    if (task) out.push(task);
    if (opts.stepActions) {
      for (const step of tr.steps) if (step.refSource) out.push({ name: `${STEP_ACTION}/${step.name}`, uri: step.refSource.uri, digest: step.refSource.digest });
    }
    out.push(...named(imageMaterials(tr)));
  }
  if (opts.deep && opts.stepActions) for (const tr of executed) out.push(...named(stepActionInputs(tr), INPUTS));
  out.push(...named(pipelineInputs(run, opts.deep), INPUTS));
  return removeDuplicates(out);
}

/** AddSLSATaskDescriptor (refSource only) or AddTektonTaskDescriptor (always, with the TaskRun as content). */
function taskDescriptor(tr: TaskRunInfo, withContent: boolean): ResourceDescriptor | undefined {
  const src = tr.refSource ? { uri: tr.refSource.uri, digest: tr.refSource.digest } : undefined;
  // The TaskRun as read from the API (Chains: json.Marshal of the Go object; same fields, Go's order).
  if (withContent) return { name: PIPELINE_TASK, ...src, content: Buffer.from(JSON.stringify(tr.raw)).toString('base64') };
  return src ? { name: PIPELINE_TASK, ...src } : undefined;
}

function named(list: Material[], name?: string): ResourceDescriptor[] {
  return list.map((m) => ({ ...(name ? { name } : {}), uri: m.uri, digest: m.digest }));
}

/**
 * Chains' RemoveDuplicateResolvedDependencies: equal uri + digest + content (the name ignored)
 * appear once, except `pipeline`, `task` and `stepAction/*`, which are always kept.
 */
export function removeDuplicates(list: ResourceDescriptor[]): ResourceDescriptor[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const digest = Object.entries(d.digest ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const key = JSON.stringify([d.uri ?? '', digest, d.content ?? '']);
    const always = d.name === PIPELINE || d.name === 'task' || d.name?.startsWith(`${STEP_ACTION}/`) === true;
    if (seen.has(key) && !always) return false;
    seen.add(key);
    return true;
  });
}
