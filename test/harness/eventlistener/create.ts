import { CustomObjectsApi } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { ProvenanceError } from '../../../signer/errors.ts';
import type { EventListenerErrorCode } from './errors.ts';

/** The labels Triggers puts on every resource it creates (pkg/resources/create.go). */
export const TRIGGERS_LABELS = {
  eventListener: 'triggers.tekton.dev/eventlistener',
  trigger: 'triggers.tekton.dev/trigger',
  eventId: 'triggers.tekton.dev/triggers-eventid',
} as const;

interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; generateName?: string; namespace?: string; labels?: Record<string, string> };
}

/** Adds the three Triggers labels and the trigger's namespace when the template has none. */
export function labelResource(
  resource: object,
  ctx: { eventListener: string; trigger: string; eventId: string; namespace: string },
): K8sObject {
  const obj = structuredClone(resource) as K8sObject;
  obj.metadata ??= {};
  obj.metadata.namespace ||= ctx.namespace;
  obj.metadata.labels = {
    ...obj.metadata.labels,
    [TRIGGERS_LABELS.eventListener]: ctx.eventListener,
    [TRIGGERS_LABELS.eventId]: ctx.eventId,
    [TRIGGERS_LABELS.trigger]: ctx.trigger,
  };
  return obj;
}

/** `PipelineRun` -> `pipelineruns` (Tekton kinds pluralise regularly). */
function plural(kind: string): string {
  return `${kind.toLowerCase()}s`;
}

/** Creates a labelled resource through the REAL client-node, as the EL's dynamic client does. */
export async function createResource(kc: KubeConfig, obj: K8sObject): Promise<object> {
  const [group, version] = (obj.apiVersion ?? '').split('/');
  if (!group || !version || !obj.kind || !obj.metadata?.namespace) {
    throw new ProvenanceError<EventListenerErrorCode>(
      'RESOURCE_CREATE_FAILED',
      `resource template needs a group/version apiVersion, a kind and a namespace (got ${obj.apiVersion} ${obj.kind})`,
    );
  }
  const api = kc.makeApiClient(CustomObjectsApi);
  try {
    return (await api.createNamespacedCustomObject({
      group,
      version,
      namespace: obj.metadata.namespace,
      plural: plural(obj.kind),
      body: obj,
    })) as object;
  } catch (err) {
    throw new ProvenanceError<EventListenerErrorCode>(
      'RESOURCE_CREATE_FAILED',
      `creating ${obj.kind} ${obj.metadata.name ?? obj.metadata.generateName ?? ''}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}
