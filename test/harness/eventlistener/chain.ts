import { ProvenanceError } from '../../../signer/errors.ts';
import type { EventListenerErrorCode } from './errors.ts';
import type { GoHeader } from './go-header.ts';
import { postToInterceptor } from './interceptor-client.ts';
import type { InterceptorClientOptions } from './interceptor-client.ts';
import { decodeInterceptorResponse, encodeInterceptorRequest } from './interceptor-request.ts';
import type { InterceptorResponse } from './interceptor-request.ts';

/** An interceptor of a Trigger, already resolved to a URL (see cluster-interceptor.ts). */
export interface ResolvedInterceptor {
  name: string;
  url: string;
  /** `interceptors[].params` of the Trigger: sent as `interceptor_params`. */
  params?: Record<string, unknown>;
}

/** One HTTP exchange of the chain, kept for assertions. */
export interface InterceptorCall {
  interceptor: string;
  url: string;
  /** The exact bytes POSTed. */
  request: Buffer;
  status: number;
  response?: InterceptorResponse;
}

export interface ChainResult {
  continue: boolean;
  /** Extensions after the shallow merge (what bindings see as `$(extensions...)`). */
  extensions: Record<string, unknown>;
  calls: InterceptorCall[];
  /** The response that said `continue: false`. */
  stoppedBy?: { interceptor: string; response: InterceptorResponse };
}

export interface ChainInput {
  body: string;
  header: GoHeader;
  eventUrl: string;
  eventId: string;
  triggerId: string;
}

/**
 * Triggers' `Sink.ExecuteInterceptors`: the same body and header go to every interceptor;
 * each response's extensions are merged by top-level key (last writer wins) into the next
 * request; `interceptor_params` are set per interceptor then cleared; `continue: false`
 * stops the chain; a non-200 or an unparsable answer is an error that drops the trigger.
 */
export async function executeInterceptors(
  interceptors: readonly ResolvedInterceptor[],
  input: ChainInput,
  client: InterceptorClientOptions,
  /** Receives every exchange, also those made before an error is thrown. */
  calls: InterceptorCall[] = [],
): Promise<ChainResult> {
  const extensions: Record<string, unknown> = {};
  for (const ic of interceptors) {
    const request = encodeInterceptorRequest({
      body: input.body,
      header: input.header,
      extensions,
      interceptorParams: ic.params ?? {},
      eventUrl: input.eventUrl,
      eventId: input.eventId,
      triggerId: input.triggerId,
    });
    const res = await postToInterceptor(ic.url, request, client);
    const call: InterceptorCall = { interceptor: ic.name, url: ic.url, request, status: res.status };
    calls.push(call);
    if (res.status !== 200) {
      throw new ProvenanceError<EventListenerErrorCode>(
        'INTERCEPTOR_HTTP_STATUS',
        `interceptor ${ic.name} response was not 200: ${res.status} ${res.body.toString('utf8').slice(0, 200)}`,
      );
    }
    try {
      call.response = decodeInterceptorResponse(res.body);
    } catch (err) {
      throw new ProvenanceError<EventListenerErrorCode>(
        'INTERCEPTOR_BAD_RESPONSE',
        `interceptor ${ic.name} answered 200 with an invalid InterceptorResponse: ${(err as Error).message}`,
        { cause: err },
      );
    }
    if (!call.response.continue) {
      return { continue: false, extensions, calls, stoppedBy: { interceptor: ic.name, response: call.response } };
    }
    for (const [k, v] of Object.entries(call.response.extensions ?? {})) extensions[k] = v;
  }
  return { continue: true, extensions, calls };
}
