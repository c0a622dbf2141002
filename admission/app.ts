import type { IncomingMessage, ServerResponse } from 'node:http';
import { isProvenanceError } from '../signer/errors.ts';
import { handleAdmissionReview, type HandlerDeps, type Webhook } from './handler.ts';
import { readBody } from './protocol/body.ts';

const ROUTES: Record<string, Webhook> = { '/mutate': 'mutate', '/validate': 'validate' };

/**
 * The request listener: POST /mutate and /validate (AdmissionReview v1, the paths the
 * webhook configurations name), GET /live, /ready, /metrics. No framework: two routes.
 */
export function admissionApp(deps: HandlerDeps, ready: () => boolean = () => true): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const webhook = ROUTES[path];
    if (req.method === 'POST' && webhook) {
      void review(req, res, webhook, deps);
    } else if (req.method === 'GET' && path === '/live') {
      send(res, 200, { live: true });
    } else if (req.method === 'GET' && path === '/ready') {
      const ok = ready();
      send(res, ok ? 200 : 503, { ready: ok });
    } else if (req.method === 'GET' && path === '/metrics') {
      deps.metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
          res.end(text);
        },
        () => send(res, 500, { error: 'metrics unavailable' }),
      );
    } else {
      req.resume();
      send(res, 404, { error: { code: 'NOT_FOUND', message: `${req.method} ${path} is not served (POST /mutate, POST /validate)` } });
    }
  };
}

async function review(req: IncomingMessage, res: ServerResponse, webhook: Webhook, deps: HandlerDeps): Promise<void> {
  let body: Buffer;
  try {
    body = await readBody(req);
  } catch (err) {
    const code = isProvenanceError(err) ? err.code : 'MALFORMED_REVIEW';
    deps.metrics.reviews.inc({ webhook, verdict: 'error', reason: code });
    send(res, 400, { error: { code, message: (err as Error).message } });
    return;
  }
  const result = await handleAdmissionReview(body, webhook, deps);
  send(res, result.status, result.body);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
