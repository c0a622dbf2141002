/**
 * Fault injection, scriptable per test: failing requests (5xx/429 with Retry-After), added
 * latency, 409 conflicts on writes, dropped watches, and a full outage (connections refused
 * while the listener is closed, or 503s). Every rule is bounded by a count or a duration.
 */
import { Outage } from './outage.ts';
import type { OutageControl, OutageMode } from './outage.ts';
import type { WatchHub } from './watch.ts';

export interface RequestMatch {
  /** HTTP method, e.g. 'PATCH' (any when omitted). */
  method?: string;
  /** Matched against the path with query, e.g. /\/leases\//. */
  path?: RegExp;
  /** Only requests authenticated as this user, e.g. 'system:serviceaccount:ns:name'. */
  user?: string;
}

export interface FailOptions extends RequestMatch {
  status?: number; // default 503
  retryAfterSeconds?: number;
  message?: string;
}

export interface LatencyOptions extends RequestMatch {
  /** Requests to delay; unlimited until cleared when omitted. */
  count?: number;
}

export interface FaultHandle {
  /** How many requests this rule has hit so far. */
  readonly hits: number;
  clear(): void;
}

export interface FaultDecision {
  delayMs: number;
  fail?: { status: number; retryAfterSeconds?: number; message: string };
  conflict: boolean;
}

interface Rule<T> {
  match: RequestMatch;
  remaining: number;
  hits: number;
  value: T;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The request as fault rules see it. */
export interface FaultRequest {
  method: string;
  path: string;
  user: string | undefined;
}

function matches(m: RequestMatch, r: FaultRequest): boolean {
  return (
    (m.method === undefined || m.method.toUpperCase() === r.method) &&
    (m.path === undefined || m.path.test(r.path)) &&
    (m.user === undefined || m.user === r.user)
  );
}

export class Faults {
  readonly #fail = new Set<
    Rule<Required<Pick<FailOptions, 'status' | 'message'>> & { retryAfterSeconds?: number }>
  >();
  readonly #latency = new Set<Rule<number>>();
  readonly #conflict = new Set<Rule<null>>();
  readonly #hub: WatchHub;
  readonly #outage: Outage;

  constructor(hub: WatchHub, outage: OutageControl) {
    this.#hub = hub;
    this.#outage = new Outage(hub, outage);
  }

  /** The next `n` matching requests answer `status` (503 by default) with a Status body. */
  failNext(n: number, opts: FailOptions = {}): FaultHandle {
    const status = opts.status ?? 503;
    const value: Required<Pick<FailOptions, 'status' | 'message'>> & { retryAfterSeconds?: number } = {
      status,
      message:
        opts.message ?? (status === 429 ? 'Too many requests, please try again later.' : 'injected fault'),
    };
    if (opts.retryAfterSeconds !== undefined) value.retryAfterSeconds = opts.retryAfterSeconds;
    return this.#add(this.#fail, opts, n, value);
  }

  /** Delays matching requests by `ms` (the next `count`, or all until cleared). */
  latency(ms: number, opts: LatencyOptions = {}): FaultHandle {
    return this.#add(this.#latency, opts, opts.count ?? Number.POSITIVE_INFINITY, ms);
  }

  /** The next `n` matching writes (POST/PUT/PATCH/DELETE) answer 409 Conflict. */
  conflictNext(n: number, match: RequestMatch = {}): FaultHandle {
    return this.#add(this.#conflict, match, n, null);
  }

  /** Closes every open watch now; returns how many were closed. */
  dropWatches(opts: { abrupt?: boolean } = {}): number {
    return this.#hub.dropAll(opts.abrupt ?? false);
  }

  /** Each watch stream (open or future) closes after it has sent `n` events, until cleared. */
  dropWatchesAfterEvents(n: number, opts: { abrupt?: boolean } = {}): FaultHandle {
    const rule = { afterEvents: n, abrupt: opts.abrupt ?? false };
    this.#hub.dropRules.add(rule);
    const hub = this.#hub;
    return {
      get hits() {
        return 0;
      },
      clear: () => hub.dropRules.delete(rule),
    };
  }

  /**
   * A full outage for `ms`: 'refuse' (default) closes the listener so connections are refused,
   * then reopens on the same port; '503' answers every request 503. Open watches are cut.
   * Resolves when the server is back.
   */
  async outage(ms: number, mode: OutageMode = 'refuse'): Promise<void> {
    await this.#outage.run(ms, mode);
  }

  /** Ends a running outage now (tests use a long outage and end it when done, so load never races them). */
  endOutage(): void {
    this.#outage.end();
  }

  /** True from the moment an outage is in effect (listener closed / 503s on) until it is over. */
  get outageActive(): boolean {
    return this.#outage.active;
  }

  clear(): void {
    this.#fail.clear();
    this.#latency.clear();
    this.#conflict.clear();
    this.#hub.dropRules.clear();
    this.endOutage();
  }

  /** Called once per request by the handler; consumes matching rules. */
  decide(req: FaultRequest): FaultDecision {
    const decision: FaultDecision = { delayMs: 0, conflict: false };
    if (this.#outage.answering503) {
      decision.fail = {
        status: 503,
        message: 'the server is currently unable to handle the request (injected outage)',
      };
      return decision;
    }
    for (const rule of this.#latency)
      if (this.#take(this.#latency, rule, req)) decision.delayMs += rule.value;
    for (const rule of this.#fail) {
      if (this.#take(this.#fail, rule, req)) {
        decision.fail = rule.value;
        return decision;
      }
    }
    if (WRITE_METHODS.has(req.method)) {
      for (const rule of this.#conflict) {
        if (this.#take(this.#conflict, rule, req)) {
          decision.conflict = true;
          break;
        }
      }
    }
    return decision;
  }

  #add<T>(set: Set<Rule<T>>, match: RequestMatch, n: number, value: T): FaultHandle {
    const rule: Rule<T> = { match: { ...match }, remaining: n, hits: 0, value };
    set.add(rule);
    return {
      get hits() {
        return rule.hits;
      },
      clear: () => set.delete(rule),
    };
  }

  #take<T>(set: Set<Rule<T>>, rule: Rule<T>, req: FaultRequest): boolean {
    if (!matches(rule.match, req)) return false;
    rule.hits += 1;
    rule.remaining -= 1;
    if (rule.remaining <= 0) set.delete(rule);
    return true;
  }
}
