import { EVENT_DIGEST_ANNOTATION, EVENT_KEYID_ANNOTATION, EVENT_SIGNATURE_ANNOTATION } from '../../events/event-record.ts';
import type { ObjectMeta, Param, ParamSpec, ParamValue, RefSource } from '../../model/types.ts';

/** SLSA v0.2 `invocation` (also each task's `invocation`), laid out as Chains does. */
export interface Invocation {
  configSource: { uri?: string; digest?: Record<string, string>; entryPoint?: string };
  parameters: Record<string, ParamValue>;
  environment?: { annotations?: Record<string, string>; labels?: Record<string, string> };
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const KEPT_OWN_ANNOTATIONS = new Set([EVENT_DIGEST_ANNOTATION, EVENT_SIGNATURE_ANNOTATION, EVENT_KEYID_ANNOTATION]);

export function invocation(source: RefSource | undefined, params: readonly Param[], specs: readonly ParamSpec[], meta: ObjectMeta): Invocation {
  const inv: Invocation = { configSource: configSource(source), parameters: parameters(params, specs) };
  const env = environment(meta);
  if (env) inv.environment = env;
  return inv;
}

/** Declared defaults first, then the values given; keys sorted (Go map order, as Chains). */
export function parameters(params: readonly Param[], specs: readonly ParamSpec[]): Record<string, ParamValue> {
  const merged = new Map<string, ParamValue>();
  for (const s of specs) if (s.default !== undefined) merged.set(s.name, s.default);
  for (const p of params) merged.set(p.name, p.value);
  return Object.fromEntries([...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function configSource(source: RefSource | undefined): Invocation['configSource'] {
  if (source === undefined) return {};
  return { uri: source.uri, digest: source.digest, entryPoint: source.entryPoint };
}

/**
 * Labels and annotations, minus what is not provenance: kubectl's last-applied copy, Chains'
 * own annotations, and our status annotations (signed/retries, which change after signing).
 * The stamped event annotations are kept: they are the run's link to its event.
 */
export function environment(meta: ObjectMeta): Invocation['environment'] | undefined {
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta.annotations)) {
    if (k === LAST_APPLIED || k.startsWith('chains.tekton.dev/') || ownStatusAnnotation(k)) continue;
    annotations[k] = v;
  }
  const env: NonNullable<Invocation['environment']> = {};
  if (Object.keys(annotations).length > 0) env.annotations = annotations;
  if (Object.keys(meta.labels).length > 0) env.labels = meta.labels;
  return Object.keys(env).length > 0 ? env : undefined;
}

/** Our status annotations (signed, retries, ...): written after signing, so never signed. The stamped event annotations are not. */
export function ownStatusAnnotation(key: string): boolean {
  return key.startsWith('tekton-provenance.dev/') && !KEPT_OWN_ANNOTATIONS.has(key);
}
