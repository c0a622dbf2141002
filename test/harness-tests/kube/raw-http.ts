/** Plain node:https requests to the test API server, for checks below the client's level. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KubeApiServer } from '../../harness/kube/index.ts';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export function rawRequest(
  server: KubeApiServer,
  method: string,
  path: string,
  opts: { body?: string; headers?: Record<string, string>; token?: string } = {},
): Promise<RawResponse> {
  const url = new URL(path, server.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    // agent: false = a fresh connection per request, so a pooled socket the server already
    // closed (outage tests) is never reused.
    const req = send(
      url,
      {
        method,
        agent: false,
        ca: server.caPem,
        headers: { authorization: `Bearer ${opts.token ?? server.token}`, ...opts.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Reads a whole watch stream (use timeoutSeconds so it ends) as parsed events. */
export async function watchLines<T = { type: string; object: Record<string, unknown> }>(
  server: KubeApiServer,
  path: string,
): Promise<T[]> {
  const res = await rawRequest(server, 'GET', path);
  return res.text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as T);
}
