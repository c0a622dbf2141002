import { modelError } from './errors.ts';
import { isObj, obj, optArr, optObj, optStr, optTime, params, reqStr, strMap, type Obj } from './read.ts';
import type { ObjectMeta, RefSource, RunStatus, TaskRef } from './types.ts';

/** The Tekton API versions we read; v1beta1 fields are mapped onto v1 names. */
export const TEKTON_API_VERSIONS = ['tekton.dev/v1', 'tekton.dev/v1beta1'] as const;

/** Checks apiVersion/kind of a Kubernetes object and returns it as a record. */
export function kubeObject(v: unknown, kind: string, what: string): { o: Obj; apiVersion: string } {
  if (!isObj(v)) throw modelError('NOT_AN_OBJECT', `${what} is not a JSON object`);
  const actualKind = optStr(v, 'kind', what);
  if (actualKind !== undefined && actualKind !== kind) {
    throw modelError('WRONG_KIND', `${what} has kind "${actualKind}", expected ${kind}`);
  }
  const apiVersion = optStr(v, 'apiVersion', what) ?? 'tekton.dev/v1';
  if (!(TEKTON_API_VERSIONS as readonly string[]).includes(apiVersion)) {
    throw modelError('UNSUPPORTED_API_VERSION', `${what} has apiVersion "${apiVersion}" (expected ${TEKTON_API_VERSIONS.join(' or ')})`);
  }
  return { o: v, apiVersion };
}

export function objectMeta(o: Obj, what: string, requireUid: boolean): ObjectMeta {
  const m = obj(o['metadata'], `${what}.metadata`);
  const at = `${what}.metadata`;
  return {
    name: reqStr(m, 'name', at),
    namespace: optStr(m, 'namespace', at) ?? '',
    uid: requireUid ? reqStr(m, 'uid', at) : (optStr(m, 'uid', at) ?? ''),
    labels: strMap(m, 'labels', at),
    annotations: strMap(m, 'annotations', at),
  };
}

/** The `Succeeded` condition as tkn shows it: True -> Succeeded, False -> Failed, else Running. */
export function runStatus(status: Obj, at: string): RunStatus {
  const conds = optArr(status, 'conditions', at).map((c, i) => obj(c, `${at}.conditions[${i}]`));
  const succeeded = conds.find((c) => c['type'] === 'Succeeded') ?? conds[0];
  if (succeeded?.['status'] === 'True') return 'Succeeded';
  if (succeeded?.['status'] === 'False') return 'Failed';
  return 'Running';
}

/** status.provenance.refSource (v1) or .configSource (older v1beta1). */
export function refSource(status: Obj, at: string): RefSource | undefined {
  const prov = optObj(status, 'provenance', at);
  const src = prov['refSource'] ?? prov['configSource'];
  if (src === undefined || src === null) return undefined;
  const sat = `${at}.provenance.refSource`;
  const s = obj(src, sat);
  return { uri: optStr(s, 'uri', sat) ?? '', digest: strMap(s, 'digest', sat), entryPoint: optStr(s, 'entryPoint', sat) ?? '' };
}

/** What PipelineRuns and TaskRuns record alike about their execution: times and where the definition came from. */
export function runExecution(status: Obj, at: string): { startTime?: string; completionTime?: string; refSource?: RefSource } {
  const out: { startTime?: string; completionTime?: string; refSource?: RefSource } = {};
  const startTime = optTime(status, 'startTime', at);
  const completionTime = optTime(status, 'completionTime', at);
  const src = refSource(status, at);
  if (startTime) out.startTime = startTime;
  if (completionTime) out.completionTime = completionTime;
  if (src) out.refSource = src;
  return out;
}

/**
 * A taskRef / pipelineRef. For the `bundles` resolver the `bundle`, `name` and `kind` params are
 * lifted into the fields TEP-0084 shows (`ref{kind,name,bundle}`); other resolvers keep params.
 */
export function taskRef(parent: Obj, key: string, at: string, defaultKind = 'Task'): TaskRef | undefined {
  const v = parent[key];
  if (v === undefined || v === null) return undefined;
  const rat = `${at}.${key}`;
  const r = obj(v, rat);
  const ref: TaskRef = {};
  const kind = optStr(r, 'kind', rat);
  const name = optStr(r, 'name', rat);
  const bundle = optStr(r, 'bundle', rat);
  const resolver = optStr(r, 'resolver', rat);
  const ps = params(r, 'params', rat);
  if (kind) ref.kind = kind;
  if (name) ref.name = name;
  if (bundle) ref.bundle = bundle;
  if (resolver === 'bundles') {
    const get = (n: string): string | undefined => {
      const p = ps.find((x) => x.name === n);
      return typeof p?.value === 'string' ? p.value : undefined;
    };
    ref.kind = ref.kind ?? capitalise(get('kind') ?? defaultKind);
    ref.name = ref.name ?? get('name');
    ref.bundle = ref.bundle ?? get('bundle');
    if (ref.name === undefined) delete ref.name;
    if (ref.bundle === undefined) delete ref.bundle;
  }
  if (resolver) ref.resolver = resolver;
  if (ps.length > 0) ref.params = ps;
  if (ref.kind === undefined && ref.name !== undefined && !resolver) ref.kind = defaultKind;
  return ref;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
