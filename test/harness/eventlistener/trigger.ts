import type { KubeConfig } from '@kubernetes/client-node';
import { isProvenanceError, ProvenanceError } from '../../../signer/errors.ts';
import { resolveParams } from './bindings.ts';
import type { BindingParam } from './bindings.ts';
import { executeInterceptors } from './chain.ts';
import type { InterceptorCall, ResolvedInterceptor } from './chain.ts';
import { createResource, labelResource } from './create.ts';
import type { EventListenerErrorCode } from './errors.ts';
import type { GoHeader } from './go-header.ts';
import type { InterceptorClientOptions } from './interceptor-client.ts';
import type { InterceptorResponse } from './interceptor-request.ts';
import { renderTemplate } from './template.ts';
import type { TriggerTemplate } from './template.ts';

/** A Trigger as the EL sees it once resolved (interceptor URLs, binding params, template). */
export interface TriggerDefinition {
  name: string;
  /** Default: the EventListener's namespace. */
  namespace?: string;
  interceptors?: ResolvedInterceptor[];
  bindings?: BindingParam[];
  template: TriggerTemplate;
}

/** Everything that happened to one trigger for one event. */
export interface TriggerResult {
  trigger: string;
  calls: InterceptorCall[];
  /** False when an interceptor said continue:false or an error dropped the trigger. */
  continued: boolean;
  stoppedBy?: { interceptor: string; response: InterceptorResponse };
  extensions: Record<string, unknown>;
  params?: Record<string, string>;
  /** Rendered and labelled resources (created when a KubeConfig was given). */
  resources?: object[];
  /** What the API server returned for each created resource. */
  created?: object[];
  error?: ProvenanceError<EventListenerErrorCode>;
}

export interface TriggerContext {
  eventListener: string;
  namespace: string;
  body: string;
  header: GoHeader;
  eventUrl: string;
  eventId: string;
  client: InterceptorClientOptions;
  kubeConfig?: KubeConfig;
  uid?: () => string;
}

/** Triggers' `Sink.processTrigger`: interceptors -> bindings -> template -> create. */
export async function processTrigger(t: TriggerDefinition, ctx: TriggerContext): Promise<TriggerResult> {
  const namespace = t.namespace ?? ctx.namespace;
  const result: TriggerResult = { trigger: t.name, calls: [], continued: false, extensions: {} };
  try {
    const chain = await executeInterceptors(
      t.interceptors ?? [],
      { body: ctx.body, header: ctx.header, eventUrl: ctx.eventUrl, eventId: ctx.eventId, triggerId: `namespaces/${namespace}/triggers/${t.name}` },
      ctx.client,
      result.calls,
    );
    result.extensions = chain.extensions;
    if (!chain.continue) {
      result.stoppedBy = chain.stoppedBy;
      return result;
    }
    result.params = resolveParams(t.bindings ?? [], t.template.spec.params ?? [], {
      body: ctx.body,
      header: ctx.header,
      extensions: chain.extensions,
      eventId: ctx.eventId,
    });
    const rendered = renderTemplate(t.template, result.params, ctx.uid?.());
    result.resources = rendered.map((r) =>
      labelResource(r, { eventListener: ctx.eventListener, trigger: t.name, eventId: ctx.eventId, namespace }),
    );
    if (ctx.kubeConfig) {
      result.created = [];
      for (const r of result.resources) result.created.push(await createResource(ctx.kubeConfig, r));
    }
    result.continued = true;
  } catch (err) {
    result.error = isProvenanceError<EventListenerErrorCode>(err)
      ? (err as ProvenanceError<EventListenerErrorCode>)
      : new ProvenanceError<EventListenerErrorCode>('UNEXPECTED', String(err), { cause: err });
  }
  return result;
}
