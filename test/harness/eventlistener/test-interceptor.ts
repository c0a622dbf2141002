import { createServer } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeTestCertificates } from './test-ca.ts';
import type { TestCertificates } from './test-ca.ts';
import type { InterceptorRequest } from './interceptor-request.ts';

/** One request the test interceptor received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Raw bytes of the request body. */
  raw: Buffer;
  /** The parsed InterceptorRequest. */
  json: InterceptorRequest;
}

/** What the scripted handler returns: a status (default 200), a JSON body, optional delay. */
export interface ScriptedAnswer {
  status?: number;
  body?: unknown;
  /** Raw text instead of JSON. */
  text?: string;
  delayMs?: number;
}

export interface TestInterceptor {
  url: string;
  /** PEM of the CA that signed the server cert: the interceptor's caBundle. */
  caPem: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * An HTTPS interceptor stand-in for EL simulator tests (NOT the project's interceptor):
 * records every request byte for byte and answers from `handler`.
 */
export async function startTestInterceptor(
  handler: (req: ReceivedRequest) => ScriptedAnswer = () => ({ body: { continue: true } }),
  certs: TestCertificates = makeTestCertificates(),
): Promise<TestInterceptor> {
  const received: ReceivedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer({ cert: certs.certPem, key: certs.keyPem, minVersion: 'TLSv1.2' }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      let json: InterceptorRequest;
      try {
        json = JSON.parse(raw.toString('utf8')) as InterceptorRequest;
      } catch {
        res.writeHead(400).end('not JSON');
        return;
      }
      const r: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, json };
      received.push(r);
      const answer = handler(r);
      const send = (): void => {
        if (res.destroyed) return;
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
        res.end(answer.text ?? JSON.stringify(answer.body ?? { continue: true }));
      };
      if (answer.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          send();
        }, answer.delayMs);
        timers.add(t);
      } else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    caPem: certs.caPem,
    received,
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
