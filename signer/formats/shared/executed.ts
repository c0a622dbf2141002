import type { TaskRunInfo, TektonRun } from '../../model/types.ts';

/**
 * The TaskRuns Chains reads (objects.GetExecutedTasks): for each pipeline task in declaration
 * order (tasks, then finally), its TaskRuns that completed. Materials, resolved dependencies,
 * deep-inspection subjects and byproducts all follow this order, as in Chains.
 */
export function executedTaskRuns(run: TektonRun): TaskRunInfo[] {
  const out: TaskRunInfo[] = [];
  for (const t of [...run.pipelineRun.tasks, ...run.pipelineRun.finallyTasks]) {
    for (const tr of run.taskRuns) if (tr.pipelineTaskName === t.name && tr.completionTime !== undefined) out.push(tr);
  }
  return out;
}
