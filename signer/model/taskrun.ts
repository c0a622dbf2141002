import { kubeObject, objectMeta, refSource, runExecution, runStatus, taskRef } from './common.ts';
import { obj, optArr, optObj, optStr, params, paramSpecs, results, strList, toJsonObject, type Obj } from './read.ts';
import type { JsonObject, StepInfo, TaskRunInfo } from './types.ts';

const PIPELINE_TASK_LABEL = 'tekton.dev/pipelineTask';

/**
 * Reads one TaskRun (v1 or v1beta1). `pipelineTaskName` comes from the childReference when the
 * caller knows it; otherwise from the `tekton.dev/pipelineTask` label, then the TaskRun name.
 */
export function normaliseTaskRun(value: unknown, pipelineTaskName?: string, what = 'TaskRun'): TaskRunInfo {
  const { o, apiVersion } = kubeObject(value, 'TaskRun', what);
  const meta = objectMeta(o, what, false);
  const at = `TaskRun ${meta.name}`;
  const spec = optObj(o, 'spec', at);
  const status = optObj(o, 'status', at);
  const sat = `${at}.status`;
  const taskSpec = optObj(status, 'taskSpec', sat);
  // One copy of the object; the status is shared with it (both are read-only JSON).
  const raw = toJsonObject(o);
  const info: TaskRunInfo = {
    apiVersion,
    meta,
    pipelineTaskName: pipelineTaskName ?? meta.labels[PIPELINE_TASK_LABEL] ?? meta.name,
    params: params(spec, 'params', `${at}.spec`),
    paramSpecs: paramSpecs(taskSpec, 'params', `${sat}.taskSpec`),
    steps: steps(status, taskSpec, sat),
    sidecarImageIDs: optArr(status, 'sidecars', sat).map((c, i) => optStr(obj(c, `${sat}.sidecars[${i}]`), 'imageID', `${sat}.sidecars[${i}]`) ?? ''),
    // v1 `results`; v1beta1 `taskResults` (Go field TaskRunResults, hence the older spelling).
    results: results(status, resultsKey(status), sat),
    status: runStatus(status, sat),
    stepsMatchSpec: stepsMatchSpec(status, taskSpec, sat),
    rawStatus: (raw['status'] ?? {}) as JsonObject,
    raw,
  };
  const ref = taskRef(spec, 'taskRef', `${at}.spec`);
  if (ref) info.taskRef = ref;
  return { ...info, ...runExecution(status, sat) };
}

function resultsKey(status: Obj): string {
  for (const key of ['results', 'taskResults', 'taskRunResults']) if (status[key] !== undefined) return key;
  return 'results';
}

/** status.steps[] joined with status.taskSpec.steps[] by name (index as a fallback, as Chains). */
function steps(status: Obj, taskSpec: Obj, at: string): StepInfo[] {
  const specs = optArr(taskSpec, 'steps', `${at}.taskSpec`).map((s, i) => obj(s, `${at}.taskSpec.steps[${i}]`));
  return optArr(status, 'steps', at).map((s, i) => {
    const sat = `${at}.steps[${i}]`;
    const state = obj(s, sat);
    const name = optStr(state, 'name', sat) ?? '';
    const spec = specs.find((x) => x['name'] === name) ?? specs[i] ?? {};
    const pat = `${at}.taskSpec.steps[${i}]`;
    const script = optStr(spec, 'script', pat);
    const step: StepInfo = {
      name,
      entryPoint: script ? script : strList(spec, 'command', pat).join(' '),
      args: strList(spec, 'args', pat),
      container: optStr(state, 'container', sat) ?? (name ? `step-${name}` : ''),
      imageID: optStr(state, 'imageID', sat) ?? '',
      image: optStr(spec, 'image', pat) ?? '',
      results: results(state, 'results', sat),
    };
    const src = refSource(state, sat);
    if (src) step.refSource = src;
    return step;
  });
}

/** Chains' pairing check (pipelinerun.go buildConfig): a taskSpec, equal step counts, no stray `unnamed-` step. */
function stepsMatchSpec(status: Obj, taskSpec: Obj, at: string): boolean {
  if (status['taskSpec'] === undefined || status['taskSpec'] === null) return false;
  const specs = optArr(taskSpec, 'steps', `${at}.taskSpec`);
  const states = optArr(status, 'steps', at);
  if (specs.length !== states.length) return false;
  return states.every((s, i) => {
    const name = optStr(obj(s, `${at}.steps[${i}]`), 'name', `${at}.steps[${i}]`) ?? '';
    const specName = optStr(obj(specs[i], `${at}.taskSpec.steps[${i}]`), 'name', `${at}.taskSpec.steps[${i}]`) ?? '';
    return !(name.startsWith('unnamed-') && specName !== '');
  });
}
