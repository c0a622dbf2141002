import { CustomObjectsApi } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { ProvenanceError } from '../../../signer/errors.ts';
import type { BindingParam } from './bindings.ts';
import type { ResolvedInterceptor } from './chain.ts';
import { resolveClusterInterceptor } from './cluster-interceptor.ts';
import type { ClusterInterceptorObject } from './cluster-interceptor.ts';
import type { EventListenerErrorCode } from './errors.ts';
import type { TriggerTemplate } from './template.ts';
import type { TriggerDefinition } from './trigger.ts';

/**
 * Reads Triggers objects from an API server (e.g. the manifests/examples applied to the kube
 * test server) and resolves them the way the EL sink does: Trigger -> interceptor refs
 * (ClusterInterceptor URL + params), binding refs (TriggerBinding / ClusterTriggerBinding or
 * inline name/value), template ref (or inline spec). The EL's trust pool is the caBundles of
 * ALL ClusterInterceptors labelled `server/type: https` (an empty one is EMPTY_CA_BUNDLE).
 */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const GROUP = 'triggers.tekton.dev';

async function get(api: CustomObjectsApi, version: string, plural: string, name: string, namespace?: string): Promise<Json> {
  try {
    return (await (namespace
      ? api.getNamespacedCustomObject({ group: GROUP, version, namespace, plural, name })
      : api.getClusterCustomObject({ group: GROUP, version, plural, name }))) as Json;
  } catch (err) {
    throw new ProvenanceError<EventListenerErrorCode>('RESOLVE_FAILED', `cannot read ${plural}/${name}: ${(err as Error).message}`, { cause: err });
  }
}

function paramsMap(params: Array<{ name: string; value: unknown }> | undefined): Record<string, unknown> {
  return Object.fromEntries((params ?? []).map((p) => [p.name, p.value]));
}

/** Resolves one Trigger spec (from a Trigger object or inlined in an EventListener). */
export async function resolveTriggerSpec(kc: KubeConfig, namespace: string, name: string, spec: Json): Promise<TriggerDefinition> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const interceptors: ResolvedInterceptor[] = [];
  for (const i of (spec['interceptors'] ?? []) as Json[]) {
    if (i['ref']?.['kind'] && i['ref']['kind'] !== 'ClusterInterceptor') {
      throw new ProvenanceError<EventListenerErrorCode>('RESOLVE_FAILED', `interceptor kind ${i['ref']['kind']} is not simulated (only ClusterInterceptor)`);
    }
    const ci = resolveClusterInterceptor((await get(api, 'v1alpha1', 'clusterinterceptors', i['ref']['name'])) as ClusterInterceptorObject);
    interceptors.push({ name: i['name'] ?? ci.name, url: ci.url, params: paramsMap(i['params']) });
  }
  const bindings: BindingParam[] = [];
  for (const b of (spec['bindings'] ?? []) as Json[]) {
    if (b['ref']) {
      const obj = b['kind'] === 'ClusterTriggerBinding'
        ? await get(api, 'v1beta1', 'clustertriggerbindings', b['ref'])
        : await get(api, 'v1beta1', 'triggerbindings', b['ref'], namespace);
      bindings.push(...((obj['spec']?.['params'] ?? []) as BindingParam[]));
    } else if (b['name'] !== undefined && b['value'] !== undefined) bindings.push({ name: b['name'], value: b['value'] });
  }
  const t = spec['template'] ?? {};
  const template = (t['ref'] ? await get(api, 'v1beta1', 'triggertemplates', t['ref'], namespace) : { metadata: { name: `${name}-inline` }, spec: t['spec'] }) as TriggerTemplate;
  return { name, namespace, interceptors, bindings, template };
}

/** A Trigger object by name. */
export async function loadTrigger(kc: KubeConfig, namespace: string, name: string): Promise<TriggerDefinition> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const trigger = await get(api, 'v1beta1', 'triggers', name, namespace);
  return resolveTriggerSpec(kc, namespace, name, trigger['spec'] ?? {});
}

/** The caBundles the EL trusts: every https ClusterInterceptor's (EMPTY_CA_BUNDLE if one is empty). */
export async function loadTrustedCaBundles(kc: KubeConfig): Promise<string[]> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const list = (await api.listClusterCustomObject({ group: GROUP, version: 'v1alpha1', plural: 'clusterinterceptors' })) as { items: ClusterInterceptorObject[] };
  return list.items
    .filter((ci) => ci.metadata.labels?.['server/type'] === 'https')
    .map((ci) => resolveClusterInterceptor(ci).caPem as string);
}

/** An EventListener object: its triggers (triggerRef or inline) and the trust pool. */
export async function loadEventListener(kc: KubeConfig, namespace: string, name: string): Promise<{ name: string; namespace: string; triggers: TriggerDefinition[]; caBundles: string[] }> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const el = await get(api, 'v1beta1', 'eventlisteners', name, namespace);
  const triggers: TriggerDefinition[] = [];
  for (const t of (el['spec']?.['triggers'] ?? []) as Json[]) {
    triggers.push(t['triggerRef'] ? await loadTrigger(kc, namespace, t['triggerRef']) : await resolveTriggerSpec(kc, namespace, t['name'], t));
  }
  return { name, namespace, triggers, caBundles: await loadTrustedCaBundles(kc) };
}
