import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../observe/logger.ts';
import { readServingCert, type SharedServingCert } from './shared-dir.ts';
import type { ServingCert, TlsSource } from '../../signer/tls/source.ts';

export interface FileTlsOptions {
  dir: string;
  /** How often the file is re-read for a rotation (default 10 s). */
  checkIntervalMs?: number;
  /** How long start-up waits for the signer to write the first cert (default 120 s). */
  waitMs?: number;
}

/**
 * The interceptor's serving cert in a cluster: the file the signer writes (shared-dir.ts),
 * waited for at start (both containers start together), then re-read periodically and
 * handed to the HTTPS server on change (open connections keep theirs).
 */
export async function fileTlsSource(opts: FileTlsOptions, logger: Logger): Promise<TlsSource> {
  const waitMs = opts.waitMs ?? 120_000;
  const deadline = Date.now() + waitMs;
  let current = readServingCert(opts.dir);
  // Bounded: at most waitMs / 250 polls.
  while (current === undefined) {
    if (Date.now() >= deadline) throw new Error(`no serving cert in ${opts.dir} after ${waitMs} ms (the signer writes it)`);
    await sleep(250);
    current = readServingCert(opts.dir);
  }
  const listeners: ((c: ServingCert) => void)[] = [];
  const timer = setInterval(() => {
    try {
      const next = readServingCert(opts.dir);
      if (next === undefined || same(next, current!)) return;
      current = next;
      for (const l of listeners) l(toServing(next));
    } catch (err) {
      logger.warn('tls file unreadable; keeping the current cert', { error: String((err as Error).message).slice(0, 200) });
    }
  }, opts.checkIntervalMs ?? 10_000);
  timer.unref();
  return {
    current: () => toServing(current!),
    onChange: (l) => listeners.push(l),
    stop: () => clearInterval(timer),
  };
}

function toServing(c: SharedServingCert): ServingCert {
  return { cert: c.cert, key: c.key, ca: c.ca };
}

function same(a: SharedServingCert, b: SharedServingCert): boolean {
  return a.cert === b.cert && a.key === b.key && a.ca === b.ca;
}
