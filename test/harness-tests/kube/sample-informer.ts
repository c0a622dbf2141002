/**
 * A sample informer written only against @kubernetes/client-node, the way the controller would:
 * it watches PipelineRuns in all namespaces and reports each run once when it finishes
 * (condition Succeeded True or False). Nothing in it knows about the test server.
 *
 * client-node's ListWatch relists by itself on 410 and resumes after a clean end of stream, but
 * stops on any other error (refused connection, reset, 5xx); so this restarts it after a delay.
 */
import { CustomObjectsApi, makeInformer } from '@kubernetes/client-node';
import type { Informer, KubeConfig, KubernetesObject, ObjectCache } from '@kubernetes/client-node';

export interface FinishedRun {
  namespace: string;
  name: string;
  uid: string;
  succeeded: boolean;
}

interface PipelineRun extends KubernetesObject {
  status?: { conditions?: Array<{ type: string; status: string }> };
}

export interface FinishedRunInformerOptions {
  onFinished: (run: FinishedRun) => void;
  /** Delay before restarting after an error (default 200 ms). */
  restartDelayMs?: number;
  onError?: (err: unknown) => void;
}

export class FinishedRunInformer {
  readonly #informer: Informer<PipelineRun> & ObjectCache<PipelineRun>;
  readonly #reported = new Set<string>();
  readonly #opts: FinishedRunInformerOptions;
  #stopped = true;
  #restart: NodeJS.Timeout | undefined;
  restarts = 0;

  constructor(kc: KubeConfig, opts: FinishedRunInformerOptions) {
    this.#opts = opts;
    const custom = kc.makeApiClient(CustomObjectsApi);
    const list = async () =>
      custom.listClusterCustomObject({ group: 'tekton.dev', version: 'v1', plural: 'pipelineruns' });
    this.#informer = makeInformer<PipelineRun>(kc, '/apis/tekton.dev/v1/pipelineruns', list as never);
    this.#informer.on('add', (run) => this.#check(run));
    this.#informer.on('update', (run) => this.#check(run));
    this.#informer.on('error', (err) => this.#onError(err));
  }

  async start(): Promise<void> {
    this.#stopped = false;
    await this.#informer.start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#restart);
    await this.#informer.stop();
  }

  /** Runs currently in the informer's cache. */
  cached(): readonly PipelineRun[] {
    return this.#informer.list();
  }

  #check(run: PipelineRun): void {
    const uid = run.metadata?.uid ?? '';
    const succeeded = run.status?.conditions?.find((c) => c.type === 'Succeeded');
    if (succeeded === undefined || succeeded.status === 'Unknown' || this.#reported.has(uid)) return;
    this.#reported.add(uid);
    this.#opts.onFinished({
      namespace: run.metadata?.namespace ?? '',
      name: run.metadata?.name ?? '',
      uid,
      succeeded: succeeded.status === 'True',
    });
  }

  #onError(err: unknown): void {
    this.#opts.onError?.(err);
    if (this.#stopped) return;
    clearTimeout(this.#restart);
    this.#restart = setTimeout(() => {
      if (this.#stopped) return;
      this.restarts += 1;
      this.#informer.start().catch((e: unknown) => this.#onError(e));
    }, this.#opts.restartDelayMs ?? 200);
  }
}
