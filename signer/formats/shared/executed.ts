import type { TaskRunInfo, TektonRun } from '../../model/types.ts';

/**
 * The TaskRuns Chains reads (objects.GetExecutedTasks): for each pipeline task in declaration
 * order (tasks, then finally), its TaskRuns that completed. Materials, resolved dependencies,
 * deep-inspection subjects and byproducts all follow this order, as in Chains.
 */
export function executedTaskRuns(run: TektonRun): TaskRunInfo[] {
  const byTask = new Map<string, TaskRunInfo[]>();
  for (const tr of run.taskRuns) {
    if (tr.completionTime === undefined) continue;
    const list = byTask.get(tr.pipelineTaskName);
    if (list) list.push(tr);
    else byTask.set(tr.pipelineTaskName, [tr]);
  }
  // A task name declared twice (invalid, but not ours to judge) must not list its TaskRuns twice.
  const names = new Set([...run.pipelineRun.tasks, ...run.pipelineRun.finallyTasks].map((t) => t.name));
  return [...names].flatMap((name) => byTask.get(name) ?? []);
}
