// Load generator of bench/interceptor.ts, run in its own forked process (pinned to another
// core than the server): closed loop (N in flight, as fast as answered) or open loop at a
// fixed rate, latency measured from the INTENDED send time (no coordinated omission).
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { requestFactory, webhookBody } from './payloads.ts';

export interface LoadSpec {
  url: string;
  ca?: string;
  bodyBytes: number;
  mode: 'closed' | 'rate';
  concurrency: number;
  rate: number;
  durationMs: number;
  tag: string;
}

export interface LoadResult {
  completed: number;
  failed: number;
  elapsedMs: number;
  latenciesMs: number[];
  /**
   * The load generator's OWN event-loop delay while it ran (p99 and max, ms). Latency is
   * measured from the intended send time, so a stall here shows up as server latency: a p99
   * near these figures says more about the measuring process than about the server.
   */
  loadgenDelayMs?: { p99: number; max: number };
}

function client(spec: LoadSpec) {
  const https = spec.url.startsWith('https:');
  const agent = https
    ? new HttpsAgent({ keepAlive: true, maxSockets: spec.concurrency, ca: spec.ca, servername: 'localhost' })
    : new HttpAgent({ keepAlive: true, maxSockets: spec.concurrency });
  const send = https ? httpsRequest : httpRequest;
  return (payload: string): Promise<boolean> =>
    new Promise((resolve) => {
      const req = send(spec.url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve(res.statusCode === 200 && text.includes('"continue":true')));
      });
      req.on('error', () => resolve(false));
      req.end(payload);
    });
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const make = requestFactory(webhookBody(spec.bodyBytes));
  const post = client(spec);
  const latenciesMs: number[] = [];
  let completed = 0;
  let failed = 0;
  let seq = 0;
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const start = performance.now();
  const deadline = start + spec.durationMs;
  const one = async (intended: number) => {
    const ok = await post(make(`${spec.tag}-${seq++}`));
    if (ok) completed++;
    else failed++;
    latenciesMs.push(performance.now() - intended);
  };
  if (spec.mode === 'closed') {
    const worker = async () => {
      while (performance.now() < deadline) await one(performance.now());
    };
    await Promise.all(Array.from({ length: spec.concurrency }, worker));
  } else {
    const inflight = new Set<Promise<void>>();
    const interval = 1000 / spec.rate;
    for (let i = 0; ; i++) {
      const intended = start + i * interval;
      if (intended >= deadline) break;
      const wait = intended - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const p = one(intended).finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await Promise.all(inflight);
  }
  delay.disable();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  return { completed, failed, elapsedMs: performance.now() - start, latenciesMs, loadgenDelayMs: { p99: ms(delay.percentile(99)), max: ms(delay.max) } };
}

process.on('message', (spec: LoadSpec) => {
  void runLoad(spec).then((result) => {
    // Exit only once the (possibly large) result is written to the IPC channel.
    process.send?.(result, () => process.exit(0));
  });
});
