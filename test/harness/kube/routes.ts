/**
 * URL -> resource target: /api/v1/... and /apis/<group>/<version>/..., namespaced or
 * cluster-scoped, optional name and subresource, and the legacy /watch/ prefix.
 */
import type { ResourceTable } from './resources.ts';
import { KubeApiError } from './status.ts';
import type { Target } from './verbs.ts';

export interface ResourceRoute {
  target: Target;
  /** Path had the legacy `/watch/` segment. */
  watchPrefix: boolean;
}

function notFoundPath(): KubeApiError {
  return new KubeApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** Parses a resource path, or returns undefined for paths that are not resource paths. */
export function parseResourcePath(table: ResourceTable, pathname: string): ResourceRoute | undefined {
  const parts = pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1] ?? '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1] ?? '';
    version = parts[2] ?? '';
    rest = parts.slice(3);
  } else return undefined;
  const watchPrefix = rest[0] === 'watch';
  if (watchPrefix) rest = rest.slice(1);
  let namespace: string | undefined;
  // /namespaces/<ns>/<resource>... is a namespaced path; /namespaces/<name>[/status] is a Namespace.
  if (rest[0] === 'namespaces' && rest.length >= 3 && rest[2] !== 'status') {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource = '', name, subresource, ...extra] = rest;
  const def = table.byPath(group, version, resource);
  if (def === undefined || extra.length > 0) throw notFoundPath();
  if (namespace !== undefined && !def.namespaced) throw notFoundPath();
  if (subresource !== undefined && (subresource !== 'status' || !def.statusSubresource)) throw notFoundPath();
  const target: Target = { def };
  if (namespace !== undefined) target.namespace = namespace;
  if (name !== undefined) target.name = name;
  if (subresource !== undefined) target.subresource = subresource;
  return { target, watchPrefix };
}
