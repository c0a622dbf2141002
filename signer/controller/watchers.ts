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
  const early: LeanWatcher[] = [];
  const onRun = (type: string, obj: KubeObject): void => {
    if (type === 'DELETED') return;
    const d = decide(obj);
    if (d.enqueue) queue.add(keyOf(obj), d.priority);
  };
  for (const namespace of scopes) {
    const scope = namespace ? { namespace } : {};
    // While the first (paged) list of a big backlog runs, a live-only watch already feeds runs
    // finishing now to the queue, so they need not wait for the last page; stopped after it.
    early.push(new LeanWatcher({ kc, api, plural: 'pipelineruns', liveOnly: true, ...scope, onObject: onRun, onError: (err) => metrics.error('watch', err) }));
    watchers.push(new LeanWatcher({ kc, api, plural: 'pipelineruns', ...scope, onObject: onRun, onError: (err) => metrics.error('watch', err) }));
    watchers.push(new LeanWatcher({
      kc, api, plural: 'taskruns', liveOnly: true, ...(namespace ? { namespace } : {}),
      onObject: (type, obj) => {
        const owner = obj.metadata?.labels?.[PIPELINE_RUN_LABEL];
        if (type === 'MODIFIED' && owner && isDone(obj)) queue.add(`${obj.metadata?.namespace ?? ''}/${owner}`, Date.now());
      },
      onError: (err) => metrics.error('watch', err),
    }));
  }
  const started = (async () => {
    await Promise.all(early.map((w) => w.start()));
    await Promise.all(watchers.map((w) => w.start()));
    await Promise.all(early.map((w) => w.stop()));
  })();
  return {
    started,
    stop: async () => { await Promise.all([...early, ...watchers].map((w) => w.stop())); },
  };
}
