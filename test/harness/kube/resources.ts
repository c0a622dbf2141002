/**
 * The resource table: which group/version/resource the server serves, its kind, scope and
 * behaviour flags. Tekton v1 and v1beta1 share one storage (as in a real cluster); objects
 * keep the apiVersion they were written with because the server does no schema conversion.
 */

export interface ResourceDef {
  group: string; // '' for the core group
  version: string;
  resource: string; // plural, as in the URL
  singular: string;
  kind: string;
  namespaced: boolean;
  /** Has a /status subresource: main writes ignore status, /status writes only change status. */
  statusSubresource: boolean;
  /** Custom resource: generation tracks spec changes and PUT must carry a resourceVersion. */
  crd: boolean;
  /** Storage key shared by every version of the same group/resource. */
  storage: string;
  shortNames?: string[];
}

export type ResourceInit = Omit<ResourceDef, 'storage' | 'singular'> & {
  singular?: string;
  storage?: string;
};

export function defineResource(init: ResourceInit): ResourceDef {
  return {
    ...init,
    singular: init.singular ?? init.kind.toLowerCase(),
    storage: init.storage ?? `${init.group === '' ? 'core' : init.group}/${init.resource}`,
  };
}

function core(resource: string, kind: string, namespaced = true, statusSubresource = false): ResourceInit {
  return { group: '', version: 'v1', resource, kind, namespaced, statusSubresource, crd: false };
}

function rbac(resource: string, kind: string, namespaced: boolean): ResourceInit {
  return {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource,
    kind,
    namespaced,
    statusSubresource: false,
    crd: false,
  };
}

function tekton(version: string, resource: string, kind: string, statusSubresource: boolean): ResourceInit {
  return { group: 'tekton.dev', version, resource, kind, namespaced: true, statusSubresource, crd: true };
}

function triggers(version: string, resource: string, kind: string, namespaced = true): ResourceInit {
  return {
    group: 'triggers.tekton.dev',
    version,
    resource,
    kind,
    namespaced,
    statusSubresource: true,
    crd: true,
  };
}

export const DEFAULT_RESOURCES: readonly ResourceDef[] = [
  core('namespaces', 'Namespace', false, true),
  core('secrets', 'Secret'),
  core('configmaps', 'ConfigMap'),
  core('events', 'Event'),
  core('serviceaccounts', 'ServiceAccount'),
  core('services', 'Service', true, true),
  core('persistentvolumeclaims', 'PersistentVolumeClaim', true, true),
  {
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    kind: 'Deployment',
    namespaced: true,
    statusSubresource: true,
    crd: false,
  },
  rbac('roles', 'Role', true),
  rbac('rolebindings', 'RoleBinding', true),
  rbac('clusterroles', 'ClusterRole', false),
  rbac('clusterrolebindings', 'ClusterRoleBinding', false),
  // manifests/80-networkpolicy.yaml is applied by the install-path test (stored, not enforced).
  {
    group: 'networking.k8s.io',
    version: 'v1',
    resource: 'networkpolicies',
    kind: 'NetworkPolicy',
    namespaced: true,
    statusSubresource: false,
    crd: false,
  },
  {
    group: 'coordination.k8s.io',
    version: 'v1',
    resource: 'leases',
    kind: 'Lease',
    namespaced: true,
    statusSubresource: false,
    crd: false,
  },
  {
    group: 'events.k8s.io',
    version: 'v1',
    resource: 'events',
    kind: 'Event',
    namespaced: true,
    statusSubresource: false,
    crd: false,
  },
  ...['v1', 'v1beta1'].flatMap((v) => [
    tekton(v, 'pipelineruns', 'PipelineRun', true),
    tekton(v, 'taskruns', 'TaskRun', true),
    tekton(v, 'customruns', 'CustomRun', true),
    tekton(v, 'pipelines', 'Pipeline', false),
    tekton(v, 'tasks', 'Task', false),
  ]),
  triggers('v1alpha1', 'clusterinterceptors', 'ClusterInterceptor', false),
  ...['v1alpha1', 'v1beta1'].flatMap((v) => [
    triggers(v, 'eventlisteners', 'EventListener'),
    triggers(v, 'triggers', 'Trigger'),
    triggers(v, 'triggertemplates', 'TriggerTemplate'),
    triggers(v, 'triggerbindings', 'TriggerBinding'),
  ]),
].map(defineResource);

/** Lookup by URL parts or by apiVersion + kind. */
export class ResourceTable {
  readonly all: readonly ResourceDef[];

  constructor(defs: readonly ResourceDef[]) {
    this.all = defs;
  }

  byPath(group: string, version: string, resource: string): ResourceDef | undefined {
    return this.all.find((d) => d.group === group && d.version === version && d.resource === resource);
  }

  byKind(apiVersion: string, kind: string): ResourceDef | undefined {
    const { group, version } = splitApiVersion(apiVersion);
    return this.all.find((d) => d.group === group && d.version === version && d.kind === kind);
  }

  /** Accepts a plural resource name or a kind. */
  find(apiVersion: string, kindOrResource: string): ResourceDef | undefined {
    const { group, version } = splitApiVersion(apiVersion);
    return this.byPath(group, version, kindOrResource) ?? this.byKind(apiVersion, kindOrResource);
  }

  /** group -> versions, in table order (first version is the preferred one). */
  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const d of this.all) {
      const versions = out.get(d.group) ?? [];
      if (!versions.includes(d.version)) versions.push(d.version);
      out.set(d.group, versions);
    }
    return out;
  }

  inGroupVersion(group: string, version: string): ResourceDef[] {
    return this.all.filter((d) => d.group === group && d.version === version);
  }
}

export function apiVersionOf(def: ResourceDef): string {
  return def.group === '' ? def.version : `${def.group}/${def.version}`;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
