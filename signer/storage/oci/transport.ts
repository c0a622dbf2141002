import { setTimeout as sleep } from 'node:timers/promises';
import { storageError } from '../errors.ts';

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

export interface TransportOptions {
  /** Attempts after the first for network errors, 429 and 5xx. */
  retries: number;
  backoffMs: number;
  timeoutMs: number;
  /** Largest response body read (manifests and indexes are small; attestations up to a few MiB). */
  maxBytes: number;
}

export const DEFAULT_TRANSPORT: TransportOptions = { retries: 3, backoffMs: 200, timeoutMs: 15_000, maxBytes: 16 * 1024 * 1024 };

async function readBounded(res: Response, maxBytes: number, url: string): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw storageError('REGISTRY_RESPONSE_TOO_LARGE', `${url}: response of ${declared} bytes is over ${maxBytes}`);
  const chunks: Buffer[] = [];
  let size = 0;
  if (res.body) {
    for await (const chunk of res.body) {
      size += (chunk as Uint8Array).byteLength;
      if (size > maxBytes) throw storageError('REGISTRY_RESPONSE_TOO_LARGE', `${url}: response over ${maxBytes} bytes`);
      chunks.push(Buffer.from(chunk as Uint8Array));
    }
  }
  return Buffer.concat(chunks);
}

/**
 * The raw HTTP layer: fetch with a timeout, a bounded body and retries with exponential
 * backoff for what a registry restart or overload looks like (network errors, 429, 5xx).
 * Auth and registry semantics live in the client above it.
 */
export async function httpRequest(url: string, init: RequestInit, opts: TransportOptions = DEFAULT_TRANSPORT): Promise<HttpResponse> {
  let lastError: unknown;
  for (let attempt = 0; attempt <= opts.retries; attempt++) {
    if (attempt > 0) await sleep(opts.backoffMs * 2 ** (attempt - 1));
    try {
      const res = await fetch(url, { ...init, redirect: 'follow', signal: AbortSignal.timeout(opts.timeoutMs) });
      const body = await readBounded(res, opts.maxBytes, url);
      if (res.status === 429 || res.status >= 500) {
        lastError = storageError('REGISTRY_UNAVAILABLE', `${init.method ?? 'GET'} ${url}: HTTP ${res.status}`);
        continue;
      }
      return { status: res.status, headers: res.headers, body };
    } catch (err) {
      if ((err as { code?: string }).code === 'REGISTRY_RESPONSE_TOO_LARGE') throw err;
      lastError = err;
    }
  }
  if ((lastError as { code?: string }).code === 'REGISTRY_UNAVAILABLE') throw lastError;
  throw storageError('REGISTRY_UNAVAILABLE', `${init.method ?? 'GET'} ${url}: ${(lastError as Error)?.message ?? 'failed'}`, lastError);
}
