import { isProvenanceError } from '../signer/errors.ts';
import { EVENT_PREDICATE_TYPE } from '../signer/events/event-record.ts';
import {
  grpcCodeOf,
  interceptorError,
  isIgnorable,
  isUnusableRequest,
  type InterceptorError,
} from './errors.ts';
import type { Logger } from './observe/logger.ts';
import type { InterceptorMetrics } from './observe/metrics.ts';
import { parseParams, type InterceptorParams } from './protocol/params.ts';
import { parseInterceptorRequest } from './protocol/request.ts';
import type { InterceptorRequest, InterceptorResponse } from './protocol/types.ts';
import { signEvent, type CallContext, type PipelineDeps } from './pipeline.ts';

export interface HandlerDeps extends PipelineDeps {
  metrics: InterceptorMetrics;
  logger: Logger;
  now: () => Date;
}

export interface HandlerResult {
  status: 200 | 400;
  body: InterceptorResponse | { error: { code: string; message: string } };
}

/** One InterceptorRequest in, one answer out; never throws. */
export async function handleInterceptorRequest(raw: Buffer, deps: HandlerDeps, opts: CallContext = {}): Promise<HandlerResult> {
  const started = process.hrtime.bigint();
  const receivedAt = deps.now();
  let req: InterceptorRequest | undefined;
  let params: InterceptorParams | undefined;
  let result: HandlerResult;
  let outcome: string;
  try {
    req = parseInterceptorRequest(raw);
    params = parseParams(req.interceptor_params);
    const signed = await signEvent(req, params, receivedAt, deps, opts);
    deps.metrics.signed.inc({ provider: params.provider });
    deps.logger.info('event signed', { eventId: signed.eventId, digest: signed.digest, keyid: signed.keyid });
    outcome = 'signed';
    result = {
      status: 200,
      body: {
        continue: true,
        extensions: {
          provenance: {
            digest: signed.digest,
            signature: signed.signature,
            keyid: signed.keyid,
            eventId: signed.eventId,
            predicateType: EVENT_PREDICATE_TYPE,
            signed: 'true',
          },
        },
      },
    };
  } catch (caught) {
    const err = asInterceptorError(caught, deps.logger);
    const ignore = params?.failurePolicy === 'Ignore' && isIgnorable(err.code);
    outcome = isUnusableRequest(err.code) ? 'bad_request' : ignore ? 'unsigned' : 'rejected';
    report(err, req, params, ignore, deps);
    result = answer(err, req, ignore);
  }
  deps.metrics.duration.observe({ outcome }, Number(process.hrtime.bigint() - started) / 1e9);
  return result;
}

/** A request refused before it was read (INTERCEPTOR_BUSY): reported and answered like any refusal. */
export function refuseUnread(err: InterceptorError, deps: HandlerDeps): HandlerResult {
  report(err, undefined, undefined, false, deps);
  deps.metrics.duration.observe({ outcome: 'rejected' }, 0);
  return answer(err, undefined, false);
}

function answer(err: InterceptorError, req: InterceptorRequest | undefined, ignore: boolean): HandlerResult {
  if (isUnusableRequest(err.code)) return { status: 400, body: { error: { code: err.code, message: err.message } } };
  if (ignore) {
    const provenance = { signed: 'false', reason: err.code, message: err.message, eventId: req?.context.event_id ?? '' };
    return { status: 200, body: { continue: true, extensions: { provenance } } };
  }
  return { status: 200, body: { continue: false, status: { code: grpcCodeOf(err.code), message: `${err.code}: ${err.message}` } } };
}

/**
 * Every refusal: one info log line and one metric. Kubernetes Events are the signer's to
 * record (it alone has an API identity); it records the refusals it makes.
 */
function report(
  err: InterceptorError,
  req: InterceptorRequest | undefined,
  params: InterceptorParams | undefined,
  ignored: boolean,
  deps: HandlerDeps,
): void {
  const provider = params?.provider ?? 'unknown';
  const eventId = req?.context.event_id ?? '';
  (ignored ? deps.metrics.unsigned : deps.metrics.rejected).inc({ reason: err.code, provider });
  deps.logger.info(ignored ? 'event let through unsigned (failurePolicy Ignore)' : 'event rejected', {
    reason: err.code,
    message: err.message,
    eventId,
    triggerId: req?.context.trigger_id,
    provider,
  });
}

function asInterceptorError(err: unknown, logger: Logger): InterceptorError {
  if (isProvenanceError(err)) return err as InterceptorError;
  logger.error('unexpected error while handling an event', { error: String((err as Error)?.message ?? err) });
  return interceptorError('INTERNAL', 'unexpected error in the interceptor (see its log)', err);
}
