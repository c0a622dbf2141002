import { ProvenanceError, isProvenanceError } from '../../../signer/errors.ts';
import type { TektonSimErrorCode } from './errors.ts';
import { referencedTasks, substituteString, substituteValue } from './substitute.ts';
import type { Scope } from './substitute.ts';
import type { Param, ParamValue, PipelineTask, RunInput, TaskBehaviour, WhenExpression } from './types.ts';

/** One attempt of a task, in seconds after the PipelineRun started. */
export interface Attempt {
  start: number;
  end: number;
  failed: boolean;
}

/** What happened to one pipeline task in the simulated run. */
export interface TaskPlan {
  task: PipelineTask;
  memberOf: 'tasks' | 'finally';
  state: 'succeeded' | 'failed' | 'skipped' | 'deleted';
  skipReason?: string;
  when?: WhenExpression[];
  params: Param[];
  results: Record<string, ParamValue>;
  /** Every attempt; the last one is the TaskRun's own status, earlier ones its retriesStatus. */
  attempts: Attempt[];
  behaviour: TaskBehaviour;
}

export interface RunPlan {
  params: Record<string, ParamValue>;
  tasks: TaskPlan[];
  finallyStart?: number;
  end: number;
  results: Array<{ name: string; value: ParamValue }>;
}

const invalid = (msg: string): ProvenanceError<TektonSimErrorCode> => new ProvenanceError<TektonSimErrorCode>('PIPELINE_INVALID', msg);

export function resolvePipelineParams(input: RunInput): Record<string, ParamValue> {
  const given = new Map((input.params ?? []).map((p) => [p.name, p.value]));
  const out: Record<string, ParamValue> = {};
  for (const spec of input.pipeline.params ?? []) {
    const v = given.get(spec.name) ?? spec.default;
    if (v === undefined) throw new ProvenanceError<TektonSimErrorCode>('PARAM_MISSING', `pipeline param "${spec.name}" has no value and no default`);
    out[spec.name] = v;
  }
  for (const [k, v] of given) out[k] ??= v;
  return out;
}

function whenPasses(when: WhenExpression[]): boolean {
  return when.every((w) => (w.operator === 'in' ? w.values.includes(w.input) : !w.values.includes(w.input)));
}

function dependencies(t: PipelineTask): string[] {
  const refs = [...(t.params ?? []).flatMap((p) => referencedTasks(p.value)), ...(t.when ?? []).flatMap((w) => referencedTasks(w.input))];
  return [...new Set([...(t.runAfter ?? []), ...refs])];
}

/** Starts one task at `start`: resolves params/when, plays its attempts. */
function playTask(t: PipelineTask, memberOf: TaskPlan['memberOf'], start: number, scope: Scope, input: RunInput): TaskPlan {
  const behaviour = input.behaviour?.[t.name] ?? {};
  const plan: TaskPlan = { task: t, memberOf, state: 'skipped', params: [], results: {}, attempts: [], behaviour };
  try {
    plan.params = (t.params ?? []).map((p) => ({ name: p.name, value: substituteValue(p.value, scope) }));
    plan.when = (t.when ?? []).map((w) => ({ ...w, input: substituteString(w.input, scope), values: w.values.map((v) => substituteString(v, scope)) }));
  } catch (err) {
    if (!isProvenanceError(err, 'RESULT_MISSING')) throw err;
    plan.skipReason = 'Results were missing';
    return plan;
  }
  if (!whenPasses(plan.when ?? [])) {
    plan.skipReason = 'When Expressions evaluated to false';
    return plan;
  }
  const d = behaviour.durationSeconds ?? 10;
  const failures = behaviour.fail === true ? Infinity : behaviour.fail === false || behaviour.fail === undefined ? 0 : behaviour.fail;
  const retries = t.retries ?? 0;
  const count = Math.min(failures, retries) + 1;
  for (let i = 0; i < count; i++) plan.attempts.push({ start: start + i * d, end: start + (i + 1) * d, failed: i < failures });
  const last = plan.attempts.at(-1) as Attempt;
  if (behaviour.deleteBeforeCompletion) {
    last.end = last.start + Math.max(1, Math.floor(d / 2));
    plan.state = 'deleted';
  } else plan.state = last.failed ? 'failed' : 'succeeded';
  if (plan.state === 'succeeded') {
    const taskParams = Object.fromEntries(plan.params.map((p) => [p.name, p.value]));
    const taskScope: Scope = { params: taskParams, context: scope.context };
    plan.results = Object.fromEntries(Object.entries(behaviour.results ?? {}).map(([k, v]) => [k, substituteValue(v, taskScope)]));
  }
  return plan;
}

const endOf = (p: TaskPlan): number => p.attempts.at(-1)?.end ?? 0;

/**
 * Plays the pipeline in virtual time: a task starts when its runAfter and result-referenced
 * tasks are done; when one fails, nothing new starts ("PipelineRun was stopping"), running
 * tasks finish, then `finally` tasks run. Deterministic for a given input.
 */
export function planRun(input: RunInput, context: Record<string, string>): RunPlan {
  const params = resolvePipelineParams(input);
  const all = [...input.pipeline.tasks, ...(input.pipeline.finally ?? [])];
  const names = new Set<string>();
  for (const t of all) {
    if (names.has(t.name)) throw invalid(`duplicate pipeline task name "${t.name}"`);
    names.add(t.name);
  }
  const deps = new Map(input.pipeline.tasks.map((t) => [t.name, dependencies(t)]));
  for (const [name, ds] of deps) for (const d of ds) if (!deps.has(d)) throw invalid(`task "${name}" depends on unknown task "${d}"`);

  const done = new Map<string, TaskPlan>();
  const results: Record<string, Record<string, ParamValue>> = {};
  const scope = (): Scope => ({ params, results, context });
  let stoppingAt = Infinity;
  while (done.size < input.pipeline.tasks.length) {
    const ready = input.pipeline.tasks.filter((t) => !done.has(t.name) && (deps.get(t.name) ?? []).every((d) => done.has(d)));
    if (ready.length === 0) throw invalid('the runAfter/result graph has a cycle');
    // Start the ready task whose dependencies finished first (ties: declaration order).
    const startOf = (t: PipelineTask): number =>
      Math.max(1, ...(deps.get(t.name) ?? []).map((d) => endOf(done.get(d) as TaskPlan))) + (input.behaviour?.[t.name]?.delaySeconds ?? 0);
    const t = ready.reduce((a, b) => (startOf(b) < startOf(a) ? b : a));
    const start = startOf(t);
    const parentSkipped = (t.runAfter ?? []).some((d) => {
      const p = done.get(d) as TaskPlan;
      return p.state === 'skipped' && p.skipReason !== 'When Expressions evaluated to false';
    });
    let plan: TaskPlan;
    if (start >= stoppingAt) plan = { task: t, memberOf: 'tasks', state: 'skipped', skipReason: 'PipelineRun was stopping', params: [], results: {}, attempts: [], behaviour: {} };
    else if (parentSkipped) plan = { task: t, memberOf: 'tasks', state: 'skipped', skipReason: 'Parent Tasks were skipped', params: [], results: {}, attempts: [], behaviour: {} };
    else plan = playTask(t, 'tasks', start, scope(), input);
    if (plan.state === 'failed' || plan.state === 'deleted') stoppingAt = Math.min(stoppingAt, endOf(plan));
    if (plan.state === 'succeeded') results[t.name] = plan.results;
    done.set(t.name, plan);
  }
  const tasks = input.pipeline.tasks.map((t) => done.get(t.name) as TaskPlan);
  const dagEnd = Math.max(1, ...tasks.map(endOf));
  const fin = (input.pipeline.finally ?? []).map((t) => playTask(t, 'finally', dagEnd + (input.behaviour?.[t.name]?.delaySeconds ?? 0), scope(), input));
  for (const f of fin) if (f.state === 'succeeded') results[f.task.name] = f.results;
  const pipelineResults: RunPlan['results'] = [];
  for (const r of input.pipeline.results ?? []) {
    try {
      pipelineResults.push({ name: r.name, value: substituteValue(r.value, scope()) });
    } catch (err) {
      if (!isProvenanceError(err, 'RESULT_MISSING')) throw err; // Tekton omits unresolvable results
    }
  }
  const end = Math.max(dagEnd, ...fin.map(endOf)) + (input.completionDelaySeconds ?? 1);
  return { params, tasks: [...tasks, ...fin], finallyStart: fin.length > 0 ? dagEnd : undefined, end, results: pipelineResults };
}
