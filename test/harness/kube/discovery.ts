/**
 * Discovery documents: /version, /api, /apis, /apis/<group>, /api/v1, /apis/<group>/<version>.
 * Enough for KubernetesObjectApi, which looks kinds up in the APIResourceList.
 */
import { openApiV3Document } from './openapi.ts';
import type { ResourceTable } from './resources.ts';

const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

export const VERSION_INFO = {
  major: '1',
  minor: '31',
  gitVersion: 'v1.31.0+tekton-provenance-test',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.22.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

function groupDoc(name: string, versions: string[]): Record<string, unknown> {
  const gv = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: gv, preferredVersion: gv[0] };
}

/** The discovery document for `path`, or undefined when it is not a discovery path. */
export function discoveryDocument(table: ResourceTable, path: string): unknown {
  const groups = table.groups();
  if (path === '/version') return VERSION_INFO;
  if (path.startsWith('/openapi/v3')) return openApiV3Document(table, path);
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
  if (path === '/apis') {
    const list = [...groups.entries()].filter(([g]) => g !== '').map(([g, v]) => groupDoc(g, v));
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: list };
  }
  const parts = path.split('/').filter((p) => p !== '');
  if (parts[0] === 'api' && parts.length === 2 && parts[1] === 'v1') return resourceList(table, '', 'v1');
  if (parts[0] === 'apis' && parts.length === 2) {
    const versions = groups.get(parts[1] ?? '');
    return versions === undefined
      ? undefined
      : { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(parts[1] ?? '', versions) };
  }
  if (parts[0] === 'apis' && parts.length === 3) return resourceList(table, parts[1] ?? '', parts[2] ?? '');
  return undefined;
}

function resourceList(table: ResourceTable, group: string, version: string): unknown {
  const defs = table.inGroupVersion(group, version);
  if (defs.length === 0) return undefined;
  const resources = defs.flatMap((d) => {
    const main = {
      name: d.resource,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: VERBS,
      ...(d.shortNames ? { shortNames: d.shortNames } : {}),
    };
    const status = {
      name: `${d.resource}/status`,
      singularName: '',
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: ['get', 'patch', 'update'],
    };
    return d.statusSubresource ? [main, status] : [main];
  });
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group === '' ? version : `${group}/${version}`,
    resources,
  };
}
