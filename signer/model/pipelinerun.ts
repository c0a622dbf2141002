import { kubeObject, objectMeta, runExecution, runStatus, taskRef } from './common.ts';
import { obj, optArr, optObj, optStr, params, paramSpecs, reqStr, results, strList, toJsonObject, type Obj } from './read.ts';
import type { ChildReference, Param, PipelineRunInfo, PipelineTaskInfo } from './types.ts';

/** Reads a PipelineRun (v1 or v1beta1) without its children. */
export function normalisePipelineRun(value: unknown): PipelineRunInfo {
  const { o, apiVersion } = kubeObject(value, 'PipelineRun', 'PipelineRun');
  const meta = objectMeta(o, 'PipelineRun', true);
  const at = `PipelineRun ${meta.name}`;
  const spec = optObj(o, 'spec', at);
  const status = optObj(o, 'status', at);
  const sat = `${at}.status`;
  const pipelineSpec = optObj(status, 'pipelineSpec', sat);
  const pat = `${sat}.pipelineSpec`;
  const info: PipelineRunInfo = {
    apiVersion,
    meta,
    params: params(spec, 'params', `${at}.spec`),
    paramSpecs: paramSpecs(pipelineSpec, 'params', pat),
    tasks: pipelineTasks(pipelineSpec, 'tasks', pat, false),
    finallyTasks: pipelineTasks(pipelineSpec, 'finally', pat, true),
    // v1 `results`, v1beta1 `pipelineResults`.
    results: results(status, status['results'] !== undefined ? 'results' : 'pipelineResults', sat),
    status: runStatus(status, sat),
    childReferences: childReferences(status, sat),
    rawSpec: toJsonObject(spec),
    rawStatus: toJsonObject(status),
  };
  const ref = taskRef(spec, 'pipelineRef', `${at}.spec`, 'Pipeline');
  if (ref) info.pipelineRef = ref;
  const sa = optStr(optObj(spec, 'taskRunTemplate', `${at}.spec`), 'serviceAccountName', `${at}.spec.taskRunTemplate`) ?? optStr(spec, 'serviceAccountName', `${at}.spec`);
  if (sa) info.serviceAccountName = sa;
  return { ...info, ...runExecution(status, sat) };
}

/**
 * The children of a run: `status.childReferences` (v1 and minimal-status v1beta1), else the
 * keys of the deprecated embedded `status.taskRuns` / `status.runs` maps (full-status v1beta1).
 */
export function childReferences(status: Obj, at: string): ChildReference[] {
  const refs = optArr(status, 'childReferences', at);
  if (refs.length > 0) {
    return refs.map((r, i) => {
      const rat = `${at}.childReferences[${i}]`;
      const c = obj(r, rat);
      const ref: ChildReference = {
        kind: optStr(c, 'kind', rat) ?? 'TaskRun',
        name: reqStr(c, 'name', rat),
        pipelineTaskName: optStr(c, 'pipelineTaskName', rat) ?? '',
      };
      const apiVersion = optStr(c, 'apiVersion', rat);
      if (apiVersion) ref.apiVersion = apiVersion;
      return ref;
    });
  }
  const out: ChildReference[] = [];
  // `status.runs` held Runs and, from Tekton 0.43, CustomRuns; the map does not say which, and
  // CustomRun is what current Tekton creates. Both are attested the same way (missing child).
  for (const [key, kind] of [['taskRuns', 'TaskRun'], ['runs', 'CustomRun']] as const) {
    const map = optObj(status, key, at);
    for (const name of Object.keys(map)) {
      const e = obj(map[name], `${at}.${key}.${name}`);
      out.push({ kind, name, pipelineTaskName: optStr(e, 'pipelineTaskName', `${at}.${key}.${name}`) ?? '' });
    }
  }
  return out;
}

/** The embedded v1beta1 status of a child, when the PipelineRun still carries one. */
export function embeddedChildStatus(rawStatus: Obj, name: string): Obj | undefined {
  for (const key of ['taskRuns', 'runs']) {
    const map = rawStatus[key];
    if (map !== null && typeof map === 'object' && !Array.isArray(map)) {
      const e = (map as Obj)[name];
      if (e !== null && typeof e === 'object' && !Array.isArray(e) && (e as Obj)['status'] !== undefined) return e as Obj;
    }
  }
  return undefined;
}

function pipelineTasks(pipelineSpec: Obj, key: string, at: string, isFinally: boolean): PipelineTaskInfo[] {
  return optArr(pipelineSpec, key, at).map((t, i) => {
    const tat = `${at}.${key}[${i}]`;
    const pt = obj(t, tat);
    const ps = params(pt, 'params', tat);
    const task: PipelineTaskInfo = {
      name: reqStr(pt, 'name', tat),
      after: after(pt, ps, tat),
      params: ps,
      isFinally,
    };
    const ref = taskRef(pt, 'taskRef', tat);
    if (ref) task.taskRef = ref;
    return task;
  });
}

const RESULT_REF = /\$\(tasks\.([A-Za-z0-9_.-]+?)\.results\./g;

/** runAfter, then every task whose results feed this task's params or when expressions (as Chains). */
function after(pt: Obj, ps: Param[], at: string): string[] {
  const out = strList(pt, 'runAfter', at);
  const texts: string[] = [];
  for (const p of ps) texts.push(...(typeof p.value === 'string' ? [p.value] : Object.values(p.value)));
  for (const w of optArr(pt, 'when', at)) texts.push(JSON.stringify(w));
  const matrix = pt['matrix'];
  if (matrix !== undefined) texts.push(JSON.stringify(matrix));
  for (const text of texts) {
    for (const m of text.matchAll(RESULT_REF)) {
      const name = m[1] as string;
      if (!out.includes(name)) out.push(name);
    }
  }
  return out;
}
