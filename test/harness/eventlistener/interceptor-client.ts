import { request } from 'node:https';
import type { LookupFunction } from 'node:net';
import { lookup as dnsLookup } from 'node:dns';
import { gunzipSync } from 'node:zlib';
import { ProvenanceError } from '../../../signer/errors.ts';
import type { EventListenerErrorCode } from './errors.ts';

/** How the EL's HTTP client is set up (Triggers `sinker.getHTTPClient`). */
export interface InterceptorClientOptions {
  /** PEM CA certificates: the ONLY roots trusted (the caBundles of https interceptors). */
  ca: string[];
  /** Response-header timeout; Triggers' default is 10 s. */
  responseHeaderTimeoutMs?: number;
  /** Host name -> IP, e.g. `{'my-svc.ns.svc': '127.0.0.1'}`: the name is still what TLS verifies. */
  hostAliases?: Record<string, string>;
  /** Upper bound of a response body (the EL reads all; we bound it to keep tests safe). */
  maxResponseBytes?: number;
}

export interface InterceptorHttpResult {
  status: number;
  body: Buffer;
}

const fail = (code: EventListenerErrorCode, msg: string, cause?: unknown): ProvenanceError<EventListenerErrorCode> =>
  new ProvenanceError<EventListenerErrorCode>(code, msg, { cause });

function aliasLookup(aliases: Record<string, string>): LookupFunction {
  return (hostname, options, callback) => {
    const ip = aliases[hostname];
    if (ip === undefined) return dnsLookup(hostname, options, callback);
    const family = ip.includes(':') ? 6 : 4;
    if (options.all) return (callback as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: ip, family }]);
    return callback(null, ip, family);
  };
}

/**
 * POSTs `body` like Go's http.Client does for `interceptors.Execute`: no Content-Type,
 * `User-Agent: Go-http-client/1.1`, `Accept-Encoding: gzip` (and transparent gunzip),
 * TLS 1.2+, hostname verified against the URL host, no retries.
 */
export function postToInterceptor(url: string, body: Buffer, opts: InterceptorClientOptions): Promise<InterceptorHttpResult> {
  const u = new URL(url);
  if (u.protocol !== 'https:') {
    return Promise.reject(fail('INTERCEPTOR_NOT_HTTPS', `interceptor URL ${url} is not https (the simulator trusts only caBundles)`));
  }
  const timeoutMs = opts.responseHeaderTimeoutMs ?? 10_000;
  const max = opts.maxResponseBytes ?? 10 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const req = request(
      u,
      {
        method: 'POST',
        ca: opts.ca,
        minVersion: 'TLSv1.2',
        agent: false,
        lookup: opts.hostAliases ? aliasLookup(opts.hostAliases) : undefined,
        headers: { 'User-Agent': 'Go-http-client/1.1', 'Content-Length': String(body.length), 'Accept-Encoding': 'gzip' },
      },
      (res) => {
        clearTimeout(timer);
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > max) res.destroy(new Error(`response over ${max} bytes`));
          else chunks.push(c);
        });
        res.once('error', (err) => reject(fail('INTERCEPTOR_UNREACHABLE', `reading ${url}: ${err.message}`, err)));
        res.once('end', () => {
          let data = Buffer.concat(chunks);
          try {
            if (res.headers['content-encoding'] === 'gzip') data = gunzipSync(data);
          } catch (err) {
            return reject(fail('INTERCEPTOR_BAD_RESPONSE', `bad gzip from ${url}`, err));
          }
          resolve({ status: res.statusCode ?? 0, body: data });
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`timeout awaiting response headers after ${timeoutMs} ms`));
    }, timeoutMs);
    req.once('error', (err) => {
      clearTimeout(timer);
      reject(fail('INTERCEPTOR_UNREACHABLE', `POST ${url}: ${err.message}`, err));
    });
    req.end(body);
  });
}
