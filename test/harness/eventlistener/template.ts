import { randomUUID } from 'node:crypto';
import { ProvenanceError } from '../../../signer/errors.ts';
import type { EventListenerErrorCode } from './errors.ts';
import type { TemplateParamSpec } from './bindings.ts';

/** A TriggerTemplate as stored (`triggers.tekton.dev/v1beta1`). */
export interface TriggerTemplate {
  metadata?: { name?: string; annotations?: Record<string, string> };
  spec: { params?: TemplateParamSpec[]; resourcetemplates: object[] };
}

const OLD_ESCAPE = 'triggers.tekton.dev/old-escape-quotes';

/**
 * Triggers' `ResolveResources`: each resource template is taken as JSON bytes and every
 * `$(tt.params.<name>)` is replaced RAW by the param value (no quoting: a value holding `"`
 * or an object can break the JSON, as in Triggers), then `$(uid)` by one random id per
 * trigger. With the `old-escape-quotes` annotation, `"` in values becomes `\"` first.
 */
export function renderTemplate(template: TriggerTemplate, params: Record<string, string>, uid: string = randomUUID()): object[] {
  const oldEscape = template.metadata?.annotations?.[OLD_ESCAPE] !== undefined;
  return template.spec.resourcetemplates.map((rt, i) => {
    let json = JSON.stringify(rt);
    for (const [name, value] of Object.entries(params)) {
      json = json.split(`$(tt.params.${name})`).join(oldEscape ? value.replaceAll('"', '\\"') : value);
    }
    json = json.split('$(uid)').join(uid);
    try {
      return JSON.parse(json) as object;
    } catch (err) {
      throw new ProvenanceError<EventListenerErrorCode>(
        'TEMPLATE_INVALID_JSON',
        `resource template ${i} of ${template.metadata?.name ?? 'the TriggerTemplate'} is not valid JSON after param substitution`,
        { cause: err },
      );
    }
  });
}
