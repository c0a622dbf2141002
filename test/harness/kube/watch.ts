/**
 * Watch streams: newline-delimited JSON events (ADDED/MODIFIED/DELETED/BOOKMARK/ERROR) as the
 * apiserver sends them. Resumes from a resourceVersion out of the store's bounded history
 * (an ERROR event carrying a 410 Status when it is too old), filters by namespace and selectors
 * (an object moving out of a selector is DELETED, into it ADDED), honours timeoutSeconds and
 * allowWatchBookmarks, and can be dropped by fault injection.
 */
import type { ServerResponse } from 'node:http';
import { apiVersionOf } from './resources.ts';
import { selectorFromQuery } from './selectors.ts';
import { badRequest, expired } from './status.ts';
import type { ObjectStore, StoreEvent } from './store.ts';
import type { StoredObject, WatchEventType } from './types.ts';
import type { Target } from './verbs.ts';

export interface WatchStream {
  readonly target: Target;
  /** Events (not bookmarks) written so far. */
  readonly sent: number;
  close(abrupt?: boolean): void;
}

/** A rule that closes each watch stream once it has sent `afterEvents` events. */
export interface WatchDropRule {
  afterEvents: number;
  abrupt: boolean;
}

export class WatchHub {
  readonly #store: ObjectStore;
  readonly #bookmarkIntervalMs: number;
  readonly #open = new Set<WatchStream>();
  readonly dropRules = new Set<WatchDropRule>();

  constructor(store: ObjectStore, bookmarkIntervalMs: number) {
    this.#store = store;
    this.#bookmarkIntervalMs = bookmarkIntervalMs;
  }

  get open(): readonly WatchStream[] {
    return [...this.#open];
  }

  /** Closes every open watch: cleanly (end of stream, as on apiserver timeout) or abruptly. */
  dropAll(abrupt = false): number {
    const streams = [...this.#open];
    for (const s of streams) s.close(abrupt);
    return streams.length;
  }

  /** Starts a watch on `res`. Throws (before any byte is written) on a malformed request. */
  serve(res: ServerResponse, target: Target, query: URLSearchParams): void {
    const selector = selectorFromQuery(query);
    const rvParam = query.get('resourceVersion') ?? '';
    const since = rvParam === '' || rvParam === '0' ? undefined : Number(rvParam);
    if (since !== undefined && !Number.isSafeInteger(since))
      throw badRequest(`invalid resource version: "${rvParam}"`);
    const storage = target.def.storage;
    const inScope = (o: StoredObject | undefined): boolean =>
      o !== undefined &&
      (target.namespace === undefined || o.metadata.namespace === target.namespace) &&
      selector(o);

    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache, private',
    });
    res.flushHeaders();

    let sent = 0;
    const timers: NodeJS.Timeout[] = [];
    let unsubscribe = (): void => {};
    const stream: WatchStream = {
      target,
      get sent() {
        return sent;
      },
      close: (abrupt = false) => {
        cleanup();
        if (abrupt) res.socket?.destroy();
        else res.end();
      },
    };
    const cleanup = (): void => {
      unsubscribe();
      for (const t of timers) clearTimeout(t);
      this.#open.delete(stream);
    };
    const write = (type: WatchEventType, object: unknown): void => {
      if (!this.#open.has(stream)) return;
      res.write(`${JSON.stringify({ type, object })}\n`);
      if (type === 'BOOKMARK' || type === 'ERROR') return;
      sent += 1;
      for (const rule of this.dropRules) if (sent >= rule.afterEvents) return stream.close(rule.abrupt);
    };
    const deliver = (e: StoreEvent): void => {
      if (e.storage !== storage) return;
      const type = translate(e, inScope);
      if (type !== undefined) write(type, e.object);
    };

    this.#open.add(stream);
    res.on('close', cleanup);
    if (since !== undefined) {
      const backlog = this.#store.eventsSince(storage, since);
      if (backlog === undefined) {
        const err = expired(
          `too old resource version: ${since} (${this.#store.compactedResourceVersion + 1})`,
        );
        write('ERROR', err.status);
        stream.close();
        return;
      }
      for (const e of backlog) deliver(e);
    } else {
      // No resourceVersion: synthetic ADDED for the current state, then live events.
      for (const o of this.#store.list(storage, target.namespace)) if (inScope(o)) write('ADDED', o);
    }
    // A drop rule may have closed the stream while replaying: subscribe only if still open.
    if (!this.#open.has(stream)) return;
    unsubscribe = this.#store.subscribe(deliver);

    const timeout = Number(query.get('timeoutSeconds') ?? '0');
    if (Number.isFinite(timeout) && timeout > 0)
      timers.push(setTimeout(() => stream.close(), timeout * 1000));
    const bookmarks = query.get('allowWatchBookmarks') === 'true';
    if (bookmarks && this.#bookmarkIntervalMs > 0) {
      const tick = (): void => {
        write('BOOKMARK', bookmark(target, this.#store.resourceVersion));
        timers.push(setTimeout(tick, this.#bookmarkIntervalMs).unref());
      };
      timers.push(setTimeout(tick, this.#bookmarkIntervalMs).unref());
    }
  }
}

function bookmark(target: Target, rv: number): Record<string, unknown> {
  return {
    kind: target.def.kind,
    apiVersion: apiVersionOf(target.def),
    metadata: { resourceVersion: String(rv) },
  };
}

/** How a store event looks to a watcher with this scope (selector transitions included). */
function translate(
  e: StoreEvent,
  inScope: (o: StoredObject | undefined) => boolean,
): WatchEventType | undefined {
  const now = inScope(e.object);
  const before = inScope(e.previous);
  if (e.type === 'ADDED') return now ? 'ADDED' : undefined;
  if (e.type === 'DELETED') return before || now ? 'DELETED' : undefined;
  if (now && before) return 'MODIFIED';
  if (now) return 'ADDED';
  if (before) return 'DELETED';
  return undefined;
}
