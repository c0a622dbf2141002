import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Status of `GET url` (any status counts as "up"), trusting only `ca` for https. */
export function probe(url: string, ca?: string, timeoutMs = 1000): Promise<number> {
  const u = new URL(url);
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(u, { method: 'GET', ca, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.once('error', reject);
    req.end();
  });
}

/** Polls `GET url` until it answers (bounded by `timeoutMs`). */
export async function waitUntilUp(url: string, ca?: string, timeoutMs = 5000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe(url, ca);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
