import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Registry } from '../signer/registry.ts';
import { ByteBudget } from '../signer/limits/byte-budget.ts';
import { isProvenanceError } from '../signer/errors.ts';
import { interceptorError, type InterceptorError } from './errors.ts';
import { handleInterceptorRequest, refuseUnread, type HandlerDeps, type HandlerResult } from './handler.ts';
import { DEFAULT_LOAD_LIMITS, type LoadLimits } from './limits.ts';
import { jsonLogger, type Logger } from './observe/logger.ts';
import { InterceptorMetrics } from './observe/metrics.ts';
import { DEFAULT_BODY_LIMITS, type BodyLimits } from './protocol/body.ts';
import { discardRequestBody, readRequestBody } from './protocol/request-body.ts';
import type { EventSigner } from './signer-client/client.ts';
import { defaultWebhookProviders } from './webhooks/index.ts';
import type { WebhookProvider } from './webhooks/provider.ts';

/**
 * Largest InterceptorRequest read: the 25 MiB body travels JSON-escaped inside it (quotes and
 * newlines double), plus headers. 64 MiB covers any real payload; the body limit itself is
 * checked on the decoded string (BODY_TOO_LARGE).
 */
export const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

export interface InterceptorAppDeps {
  signer: EventSigner;
  providers?: Registry<WebhookProvider>;
  metrics?: InterceptorMetrics;
  logger?: Logger;
  limits?: BodyLimits;
  maxRequestBytes?: number;
  /** Byte budget, queue and per-request time (defaults: DEFAULT_LOAD_LIMITS). */
  load?: Partial<LoadLimits>;
  /** Extra readiness check (e.g. TLS loaded); the signer's health is always checked. */
  ready?: () => boolean;
  now?: () => Date;
}

/** The express app: POST / (the Triggers interceptor protocol), /ready, /live, /metrics. */
export function createInterceptorApp(deps: InterceptorAppDeps): Express {
  const handlerDeps: HandlerDeps = {
    signer: deps.signer,
    providers: deps.providers ?? defaultWebhookProviders(),
    metrics: deps.metrics ?? new InterceptorMetrics(),
    logger: deps.logger ?? jsonLogger(),
    limits: deps.limits ?? DEFAULT_BODY_LIMITS,
    now: deps.now ?? (() => new Date()),
  };
  const maxRequestBytes = deps.maxRequestBytes ?? MAX_REQUEST_BYTES;
  const load = { ...DEFAULT_LOAD_LIMITS, ...deps.load };
  const budget = new ByteBudget(load.inFlightBytes, { maxQueuedBytes: load.maxQueuedBytes });
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // The event route first: it is nearly every request, so routing tries it before the probes.
  app.post('/', async (req: Request, res: Response) => {
    const deadline = Date.now() + load.requestBudgetMs;
    // Admitted by size BEFORE the body is read: a waiting request costs no memory (its bytes
    // stay in the kernel's socket buffer), an admitted one up to a few times its size.
    let release: () => void;
    try {
      release = await budget.acquire(chargeOf(req, maxRequestBytes), { deadline: Date.now() + load.maxQueueWaitMs });
    } catch (err) {
      const busy = interceptorError(
        'INTERCEPTOR_BUSY',
        `too many large requests at once (${isProvenanceError(err) ? err.code : 'refused'}); nothing was signed or stored`,
      );
      await discardRequestBody(req);
      return send(res, refuseUnread(busy, handlerDeps));
    }
    try {
      let body: Buffer;
      try {
        // Raw bytes: we check UTF-8 and nesting ourselves before JSON.parse, and hash exact bytes.
        body = await readRequestBody(req, maxRequestBytes);
      } catch (err) {
        return answerUnreadable(err as InterceptorError, req, res);
      }
      // The peer address keys the signer's limit on failed authenticity checks.
      send(res, await handleInterceptorRequest(body, handlerDeps, { deadline, source: req.socket.remoteAddress ?? '' }));
    } finally {
      release();
    }
  });
  app.get('/live', (_req, res) => {
    res.status(200).json({ live: true });
  });
  app.get('/ready', async (_req, res) => {
    const ready = (deps.ready?.() ?? true) && (await deps.signer.healthy());
    res.status(ready ? 200 : 503).json({ ready });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(handlerDeps.metrics.registry.contentType).send(await handlerDeps.metrics.registry.metrics());
  });
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    answerUnreadable(interceptorError('MALFORMED_REQUEST', `unusable request: ${(err as Error).message ?? 'unreadable body'}`), req, res);
  });
  return app;

  function send(res: Response, result: HandlerResult): void {
    // Straight to node:http (what res.json does, minus its per-call content-type lookups).
    const text = JSON.stringify(result.body);
    res.writeHead(result.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  /** A request that could not be read as an InterceptorRequest: 400, counted and logged. */
  function answerUnreadable(err: InterceptorError, req: Request, res: Response): void {
    handlerDeps.metrics.rejected.inc({ reason: err.code, provider: 'unknown' });
    handlerDeps.logger.info('event rejected', { reason: err.code, message: err.message, path: req.path });
    res.status(400).json({ error: { code: err.code, message: err.message } });
  }
}

/**
 * What a request is charged against the byte budget: its declared length, or the most it may
 * be when it has none (chunked), so an undeclared size can never slip past the budget.
 */
function chargeOf(req: Request, max: number): number {
  const declared = Number.parseInt(req.headers['content-length'] ?? '', 10);
  return Number.isFinite(declared) && declared >= 0 ? Math.min(declared, max) : max;
}
