/**
 * RBAC authorization from the Roles, ClusterRoles and their bindings stored in the server,
 * evaluated as the real RBAC authorizer does: ClusterRoleBindings grant everywhere,
 * RoleBindings only in their namespace; a rule matches on apiGroups, resources (with
 * "resource/subresource"), verbs and resourceNames, with "*" wildcards. Denials are 403 with
 * the apiserver's message.
 */
import { KubeApiError } from '../status.ts';
import type { ObjectStore } from '../store.ts';
import type { StoredObject } from '../types.ts';
import { isPlainObject } from '../types.ts';
import type { Identity } from './identities.ts';

export interface RequestAttributes {
  verb: string; // get | list | watch | create | update | patch | delete
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
}

const RBAC = 'rbac.authorization.k8s.io';

function has(list: string[] | undefined, value: string): boolean {
  return list !== undefined && (list.includes('*') || list.includes(value));
}

function ruleAllows(rule: PolicyRule, a: RequestAttributes): boolean {
  if (!has(rule.verbs, a.verb) || !has(rule.apiGroups, a.group)) return false;
  const resource = a.subresource === undefined ? a.resource : `${a.resource}/${a.subresource}`;
  if (
    !has(rule.resources, resource) &&
    !(a.subresource !== undefined && has(rule.resources, `*/${a.subresource}`))
  )
    return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (a.name !== undefined && names.includes(a.name));
}

function boundTo(binding: StoredObject, id: Identity): boolean {
  const subjects = Array.isArray(binding.subjects) ? binding.subjects : [];
  return subjects.some((s: unknown) => {
    if (!isPlainObject(s)) return false;
    if (s.kind === 'ServiceAccount')
      return (
        id.user ===
        `system:serviceaccount:${String(s.namespace ?? binding.metadata.namespace)}:${String(s.name)}`
      );
    if (s.kind === 'User') return id.user === s.name;
    if (s.kind === 'Group') return id.groups.includes(String(s.name));
    return false;
  });
}

function rulesOf(store: ObjectStore, binding: StoredObject): PolicyRule[] {
  const ref = isPlainObject(binding.roleRef) ? binding.roleRef : {};
  const role =
    ref.kind === 'ClusterRole'
      ? store.get(`${RBAC}/clusterroles`, undefined, String(ref.name))
      : store.get(`${RBAC}/roles`, binding.metadata.namespace, String(ref.name));
  return Array.isArray(role?.rules) ? (role.rules as PolicyRule[]) : [];
}

export function allowed(store: ObjectStore, id: Identity, a: RequestAttributes): boolean {
  if (id.admin) return true;
  const bindings = [
    ...store.list(`${RBAC}/clusterrolebindings`),
    ...(a.namespace === undefined ? [] : store.list(`${RBAC}/rolebindings`, a.namespace)),
  ];
  return bindings.some((b) => boundTo(b, id) && rulesOf(store, b).some((r) => ruleAllows(r, a)));
}

/** `secrets "x" is forbidden: User "u" cannot get resource "secrets" in API group "" in the namespace "ns"` */
export function forbidden(id: Identity, a: RequestAttributes): KubeApiError {
  const qualified = a.group === '' ? a.resource : `${a.resource}.${a.group}`;
  const subject = a.name === undefined ? qualified : `${qualified} "${a.name}"`;
  const resource =
    a.subresource === undefined ? `resource "${a.resource}"` : `resource "${a.resource}/${a.subresource}"`;
  const scope = a.namespace === undefined ? 'at the cluster scope' : `in the namespace "${a.namespace}"`;
  return new KubeApiError(
    403,
    'Forbidden',
    `${subject} is forbidden: User "${id.user}" cannot ${a.verb} ${resource} in API group "${a.group}" ${scope}`,
    {
      ...(a.name === undefined ? {} : { name: a.name }),
      group: a.group,
      kind: a.resource,
    },
  );
}
