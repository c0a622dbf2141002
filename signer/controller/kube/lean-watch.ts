import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject, TektonApi } from './tekton-api.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface LeanWatchOptions {
  kc: KubeConfig;
  api: TektonApi;
  plural: 'pipelineruns' | 'taskruns';
  /** undefined = all namespaces. */
  namespace?: string;
  pageSize?: number;
  /** Only events from now on (no initial list): TaskRuns matter only as they finish. */
  liveOnly?: boolean;
  onObject(type: WatchEventType, obj: KubeObject): void;
  onError(err: unknown): void;
}

/**
 * A list+watch that keeps NOTHING per object: each object is handed to `onObject` and
 * dropped. client-node's makeInformer caches every full object (a 5,000-run backlog with its
 * 50,000 TaskRuns would cost gigabytes, Chains' failure); our queue keeps keys instead.
 * Lists page by `pageSize`; a 410 relists; a dropped or failed watch resumes from the last
 * resourceVersion after a bounded backoff, until `stop()`.
 */
export class LeanWatcher {
  readonly #o: LeanWatchOptions;
  #stopped = false;
  #events = 0;
  #abort: AbortController | undefined;
  #loop: Promise<void> | undefined;

  constructor(opts: LeanWatchOptions) {
    this.#o = opts;
  }

  /**
   * Resolves after the first list attempt. If it failed (API down, or a 410 for a continue
   * token that expired while the queue was already writing), the loop relists with backoff:
   * start() never leaves a leader without watches.
   */
  async start(): Promise<void> {
    let rv: string | undefined;
    try {
      rv = await this.#relist();
    } catch (err) {
      this.#o.onError(err);
    }
    this.#loop = this.#run(rv);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort?.abort();
    await this.#loop;
  }

  get #path(): string {
    const ns = this.#o.namespace ? `/namespaces/${this.#o.namespace}` : '';
    return `/apis/tekton.dev/${this.#o.api.version}${ns}/${this.#o.plural}`;
  }

  async #relist(): Promise<string> {
    if (this.#o.liveOnly) return (await this.#o.api.listPage(this.#o.plural, this.#o.namespace, 1, undefined)).resourceVersion;
    let cont: string | undefined;
    let rv = '';
    for (let page = 0; page < 100_000; page++) {
      const res = await this.#o.api.listPage(this.#o.plural, this.#o.namespace, this.#o.pageSize ?? 500, cont);
      for (const item of res.items) this.#o.onObject('ADDED', item);
      rv = res.resourceVersion;
      cont = res.continue;
      if (!cont || this.#stopped) break;
    }
    return rv;
  }

  async #run(startRv: string | undefined): Promise<void> {
    let rv: string | undefined = startRv;
    let backoff = 200;
    while (!this.#stopped) {
      const before = this.#events;
      try {
        if (rv === undefined) rv = await this.#relist();
        rv = await this.#watchOnce(rv);
        backoff = 200;
      } catch (err) {
        if (this.#stopped) break;
        if (this.#events > before) backoff = 0; // it made progress: a flaky stream, not a dead server
        // No progress (or a 410): events may have been lost with the stream, so the next round
        // relists; the list is the ground truth and everything in it is idempotent to re-queue.
        else rv = undefined;
        this.#o.onError(err);
        await sleep(backoff);
        backoff = Math.min(Math.max(backoff * 2, 200), 5_000);
      }
    }
  }

  /** One watch stream; resolves with the resourceVersion to resume from (undefined = relist). */
  #watchOnce(rv: string): Promise<string | undefined> {
    let last: string | undefined = rv;
    return new Promise((resolve, reject) => {
      const onEvent = (phase: string, obj: KubeObject): void => {
        if (phase === 'ERROR') {
          if ((obj as { code?: number }).code === 410) last = undefined;
          return;
        }
        if (obj?.metadata?.resourceVersion && last !== undefined) last = obj.metadata.resourceVersion;
        if (phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED') {
          this.#events++;
          this.#o.onObject(phase, obj);
        }
      };
      const onDone = (err: unknown): void => {
        this.#abort = undefined;
        if (err && !this.#stopped && (err as { name?: string }).name !== 'AbortError') reject(err);
        else resolve(last);
      };
      new Watch(this.#o.kc)
        .watch(this.#path, { resourceVersion: rv, allowWatchBookmarks: true }, onEvent, onDone)
        .then((ctl) => {
          this.#abort = ctl;
          if (this.#stopped) ctl.abort();
        }, reject);
    });
  }
}
