// Objects for the backlog bench: one simulated 10-task PipelineRun, cloned by renaming.
import { simulatePipelineRun, type PipelineSpec } from '../../test/harness/tekton/index.ts';

type Json = Record<string, unknown>;
const TEMPLATE = 'backlog-template';

/** A linear pipeline of `tasks` inline tasks, each one step and one result. */
function pipeline(tasks: number): PipelineSpec {
  return {
    tasks: Array.from({ length: tasks }, (_, i) => ({
      name: `step-${i}`,
      ...(i > 0 ? { runAfter: [`step-${i - 1}`] } : {}),
      taskSpec: { steps: [{ name: 'run', image: `registry.example/tools/t${i % 3}:1`, script: `echo ${i}` }], results: [{ name: 'out' }] },
    })),
  };
}

/** The finished objects of one run, as JSON text with the run name as a placeholder. */
export function template(namespace: string, tasks: number): string {
  const sim = simulatePipelineRun({
    name: TEMPLATE, namespace, pipeline: pipeline(tasks), startTime: new Date(Date.now() - 3_600_000),
    behaviour: Object.fromEntries(Array.from({ length: tasks }, (_, i) => [`step-${i}`, { durationSeconds: 5, results: { out: `v${i}` } }])),
  });
  return JSON.stringify(sim.final());
}

/** The run `name` (PipelineRun + TaskRuns) completed at `completedAt`, ready for `objects.put`. */
export function instantiate(text: string, name: string, completedAt: Date): { pipelineRun: Json; taskRuns: Json[] } {
  const objects = JSON.parse(text.replaceAll(TEMPLATE, name)) as { pipelineRun: Json; taskRuns: Json[] };
  const status = objects.pipelineRun['status'] as Json;
  status['completionTime'] = completedAt.toISOString().replace(/\.\d+Z$/, 'Z');
  for (const o of [objects.pipelineRun, ...objects.taskRuns]) delete (o['metadata'] as Json)['uid'];
  return objects;
}
