import { ProvenanceError } from '../../../signer/errors.ts';
import type { EventListenerErrorCode } from './errors.ts';
import type { GoHeader } from './go-header.ts';
import { evaluate, findExpressions, textValue } from './jsonpath.ts';

/** A TriggerBinding param (`spec.params[]` of a TriggerBinding, or an inline binding). */
export interface BindingParam {
  name: string;
  value: string;
}

/** A TriggerTemplate param spec. */
export interface TemplateParamSpec {
  name: string;
  default?: string;
  description?: string;
}

export interface BindingEvent {
  /** The (possibly interceptor-modified) body bytes as a string. */
  body: string;
  header: GoHeader;
  extensions: Record<string, unknown>;
  eventId: string;
}

/**
 * Triggers' `ResolveParams`: starts from the template defaults, then evaluates every binding
 * value's `$(...)` expressions against {body, header (values joined with ","), extensions,
 * context.eventID}. A failed expression falls back to the param's default, else the trigger
 * is dropped. A body that is not JSON fails every `$(body...)` (and Triggers errors out).
 */
export function resolveParams(
  bindings: readonly BindingParam[],
  defaults: readonly TemplateParamSpec[],
  ev: BindingEvent,
): Record<string, string> {
  const seen = new Set<string>();
  for (const b of bindings) {
    if (seen.has(b.name)) {
      throw new ProvenanceError<EventListenerErrorCode>('DUPLICATE_PARAM', `duplicate param name: ${b.name}`);
    }
    seen.add(b.name);
  }
  let body: unknown;
  if (ev.body.length > 0) {
    try {
      body = JSON.parse(ev.body);
    } catch (err) {
      throw new ProvenanceError<EventListenerErrorCode>('BINDING_UNRESOLVED', 'failed to unmarshal request body', { cause: err });
    }
  }
  const header: Record<string, string> = {};
  for (const [k, v] of Object.entries(ev.header)) header[k] = v.join(',');
  const event = { header, body, extensions: ev.extensions, context: { eventID: ev.eventId } };

  const params: Record<string, string> = {};
  for (const d of defaults) if (d.default !== undefined) params[d.name] = d.default;
  for (const b of bindings) {
    let value = b.value;
    for (const expr of findExpressions(b.value)) {
      let text: string;
      try {
        text = textValue(evaluate(event, expr));
      } catch (err) {
        const fallback = defaults.find((d) => d.name === b.name)?.default;
        if (fallback === undefined) {
          throw new ProvenanceError<EventListenerErrorCode>(
            'BINDING_UNRESOLVED',
            `failed to replace JSONPath value for param ${b.name}: ${b.value}: ${(err as Error).message}`,
            { cause: err },
          );
        }
        text = fallback;
      }
      value = value.split(expr).join(text);
    }
    params[b.name] = value;
  }
  return params;
}
