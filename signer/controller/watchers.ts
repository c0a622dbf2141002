import type { KubeConfig } from '@kubernetes/client-node';
import { decide, isDone } from './filter.ts';
import { LeanWatcher } from './kube/lean-watch.ts';
import type { KubeObject, TektonApi } from './kube/tekton-api.ts';
import type { ControllerMetrics } from './metrics.ts';
import type { WorkQueue } from './queue.ts';

const PIPELINE_RUN_LABEL = 'tekton.dev/pipelineRun';

const keyOf = (obj: KubeObject): string => `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;

/**
 * Watch events -> queue keys. PipelineRuns are queued by `decide` (done runs by completion
 * time, newest first). A TaskRun finishing re-queues its PipelineRun (label
 * `tekton.dev/pipelineRun`), for runs that completed before all their children did.
 */
export function startWatchers(kc: KubeConfig, api: TektonApi, namespaces: string[], queue: WorkQueue, metrics: ControllerMetrics): { started: Promise<void>; stop(): Promise<void> } {
  const scopes = namespaces.length > 0 ? namespaces : [undefined];
  const watchers: LeanWatcher[] = [];
  for (const namespace of scopes) {
    watchers.push(new LeanWatcher({
      kc, api, plural: 'pipelineruns', ...(namespace ? { namespace } : {}),
      onObject: (type, obj) => {
        if (type === 'DELETED') return;
        const d = decide(obj);
        if (d.enqueue) queue.add(keyOf(obj), d.priority);
      },
      onError: (err) => metrics.error('watch', err),
    }));
    watchers.push(new LeanWatcher({
      kc, api, plural: 'taskruns', liveOnly: true, ...(namespace ? { namespace } : {}),
      onObject: (type, obj) => {
        const owner = obj.metadata?.labels?.[PIPELINE_RUN_LABEL];
        if (type === 'MODIFIED' && owner && isDone(obj)) queue.add(`${obj.metadata?.namespace ?? ''}/${owner}`, Date.now());
      },
      onError: (err) => metrics.error('watch', err),
    }));
  }
  return {
    started: Promise.all(watchers.map((w) => w.start())).then(() => undefined),
    stop: async () => { await Promise.all(watchers.map((w) => w.stop())); },
  };
}
