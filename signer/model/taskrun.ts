import { kubeObject, objectMeta, runExecution, runStatus, taskRef } from './common.ts';
import { obj, optArr, optObj, optStr, params, paramSpecs, results, strList, toJsonObject, type Obj } from './read.ts';
import type { StepInfo, TaskRunInfo } from './types.ts';

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
    rawStatus: toJsonObject(status),
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
    return {
      name,
      entryPoint: script ? script : strList(spec, 'command', pat).join(' '),
      args: strList(spec, 'args', pat),
      container: optStr(state, 'container', sat) ?? (name ? `step-${name}` : ''),
      imageID: optStr(state, 'imageID', sat) ?? '',
      image: optStr(spec, 'image', pat) ?? '',
    };
  });
}
