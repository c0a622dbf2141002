/**
 * OpenAPI v3 discovery, just enough for `kubectl apply`: kubectl asks whether the server
 * validates fields itself (a PATCH operation per kind that takes `fieldValidation`); when it
 * does, kubectl sends `fieldValidation=Strict` and skips downloading schemas. This server
 * keeps no schemas and does not check fields: unknown kinds and namespaces are still refused.
 */
import { apiVersionOf, type ResourceDef, type ResourceTable } from './resources.ts';

const ROOT = '/openapi/v3';

/** The OpenAPI v3 document for `path` (the root index or one group-version), or undefined. */
export function openApiV3Document(table: ResourceTable, path: string): unknown {
  if (path === ROOT) {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const [group, versions] of table.groups()) {
      for (const version of versions) {
        const gv = gvPath(group, version);
        paths[gv] = { serverRelativeURL: `${ROOT}/${gv}?hash=0` };
      }
    }
    return { paths };
  }
  if (!path.startsWith(`${ROOT}/`)) return undefined;
  const parts = path.slice(ROOT.length + 1).split('/');
  const [group, version] = parts[0] === 'api' ? ['', parts[1] ?? ''] : [parts[1] ?? '', parts[2] ?? ''];
  const defs = table.inGroupVersion(group, version);
  if (defs.length === 0 || gvPath(group, version) !== parts.join('/')) return undefined;
  const paths = Object.fromEntries(defs.map((d) => [itemPath(d), { patch: patchOperation(d) }]));
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.31.0' }, paths, components: { schemas: {} } };
}

function gvPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

function itemPath(d: ResourceDef): string {
  const ns = d.namespaced ? '/namespaces/{namespace}' : '';
  return `/${gvPath(d.group, d.version)}${ns}/${d.resource}/{name}`;
}

function patchOperation(d: ResourceDef): Record<string, unknown> {
  return {
    operationId: `patch${d.kind}`,
    'x-kubernetes-group-version-kind': { group: d.group, version: d.version, kind: d.kind },
    'x-kubernetes-action': 'patch',
    parameters: ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({ name, in: 'query', schema: { type: 'string' }, uniqueItems: true })),
    responses: { '200': { description: `OK (${apiVersionOf(d)} ${d.kind})` } },
  };
}
