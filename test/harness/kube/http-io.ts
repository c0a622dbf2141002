/** Request and response plumbing: bounded body reading, JSON decoding, JSON answers, field manager. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkDepth } from './body-limits.ts';
import { badRequest, KubeApiError } from './status.ts';
import type { KubeObject } from './types.ts';

/** The apiserver's default --max-request-body-bytes is 3 MiB. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(
          new KubeApiError(
            413,
            'RequestEntityTooLarge',
            `the request body is larger than the limit of ${MAX_BODY_BYTES} bytes`,
          ),
        );
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function parseJson(raw: string): KubeObject | undefined {
  if (raw.trim() === '') return undefined;
  try {
    const parsed = JSON.parse(raw) as KubeObject;
    checkDepth(parsed);
    return parsed;
  } catch (err) {
    if (err instanceof KubeApiError) throw err;
    throw badRequest(`error decoding request body: ${(err as Error).message}`);
  }
}

export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function managerFor(req: IncomingMessage, query: URLSearchParams): string {
  const given = query.get('fieldManager');
  if (given !== null && given !== '') return given;
  const ua = req.headers['user-agent'] ?? '';
  return ua.split('/')[0]?.trim() || 'unknown';
}
