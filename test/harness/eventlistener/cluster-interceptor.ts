import { CustomObjectsApi } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { ProvenanceError } from '../../../signer/errors.ts';
import type { EventListenerErrorCode } from './errors.ts';

/** The fields of a `triggers.tekton.dev/v1alpha1` ClusterInterceptor the EL reads. */
export interface ClusterInterceptorObject {
  metadata: { name: string; labels?: Record<string, string> };
  spec: {
    clientConfig: {
      url?: string;
      service?: { name: string; namespace: string; path?: string; port?: number };
      /** base64 of the PEM CA bundle. */
      caBundle?: string;
    };
  };
  status?: { address?: { url?: string } };
}

export interface ResolvedClusterInterceptor {
  name: string;
  url: string;
  /** PEM decoded from caBundle (undefined when empty). */
  caPem?: string;
  https: boolean;
}

/**
 * Triggers' URL resolution: `status.address.url`, else `spec.clientConfig.url`, else the
 * service: `https://<name>.<ns>.svc:<port|8443>/<path>` when labelled `server/type: https`
 * (http on port 80 otherwise). An https-labelled interceptor with an empty caBundle makes the
 * real EL fail at start-up: that is EMPTY_CA_BUNDLE here.
 */
export function resolveClusterInterceptor(ci: ClusterInterceptorObject): ResolvedClusterInterceptor {
  const https = ci.metadata.labels?.['server/type'] === 'https';
  const cc = ci.spec.clientConfig;
  const caPem = cc.caBundle ? Buffer.from(cc.caBundle, 'base64').toString('utf8') : undefined;
  if (https && !caPem) {
    throw new ProvenanceError<EventListenerErrorCode>('EMPTY_CA_BUNDLE', `empty caBundle in clusterInterceptor ${ci.metadata.name} spec`);
  }
  let url = ci.status?.address?.url ?? cc.url;
  if (!url && cc.service) {
    const s = cc.service;
    const port = s.port ?? (https ? 8443 : 80);
    const path = s.path ? (s.path.startsWith('/') ? s.path : `/${s.path}`) : '';
    url = `${https ? 'https' : 'http'}://${s.name}.${s.namespace}.svc:${port}${path}`;
  }
  if (!url) throw new ProvenanceError<EventListenerErrorCode>('RESOLVE_FAILED', `clusterInterceptor ${ci.metadata.name} has no url or service`);
  return { name: ci.metadata.name, url, caPem, https };
}

/** Reads a ClusterInterceptor through client-node and resolves it. */
export async function loadClusterInterceptor(kc: KubeConfig, name: string): Promise<ResolvedClusterInterceptor> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const ci = (await api.getClusterCustomObject({
    group: 'triggers.tekton.dev',
    version: 'v1alpha1',
    plural: 'clusterinterceptors',
    name,
  })) as ClusterInterceptorObject;
  return resolveClusterInterceptor(ci);
}
