import { createHash } from 'node:crypto';
import type { ParamValue, RefSource, TaskRef } from './types.ts';

/** RFC 3339 in whole seconds, as metav1.Time serialises. */
export function isoAt(t0: Date, offsetSeconds: number): string {
  return new Date(t0.getTime() + offsetSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Child name as Tekton builds it: `<pipelinerun>-<pipelinetask>` (kept under 63 chars). */
export function childName(prName: string, taskName: string): string {
  const name = `${prName}-${taskName}`;
  if (name.length <= 63) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, 54)}-${hash}`;
}

/** Pod name of attempt `i` (retries get `-retry<i>`). */
export function podName(childName: string, attempt: number): string {
  return attempt === 0 ? `${childName}-pod` : `${childName}-pod-retry${attempt}`;
}

/**
 * `status.steps[].imageID` as the kubelet reports it: `<repository>@sha256:<hex>`, with
 * Docker Hub names expanded (`alpine` -> `docker.io/library/alpine`). A digest in the image is
 * kept; otherwise a stable fake digest is derived from the image name.
 */
export function imageIdOf(image: string): string {
  const [ref, digest] = image.split('@') as [string, string | undefined];
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  let repo = colon > lastSlash ? ref.slice(0, colon) : ref;
  const first = repo.split('/')[0] ?? '';
  if (!repo.includes('/')) repo = `docker.io/library/${repo}`;
  else if (!first.includes('.') && !first.includes(':') && first !== 'localhost') repo = `docker.io/${repo}`;
  const hex = digest?.startsWith('sha256:') ? digest.slice(7) : createHash('sha256').update(image).digest('hex');
  return `${repo}@sha256:${hex}`;
}

/** Result type as Tekton records it. */
export function valueType(v: ParamValue): 'string' | 'array' | 'object' {
  return typeof v === 'string' ? 'string' : Array.isArray(v) ? 'array' : 'object';
}

/** refSource of a bundle reference `repo@sha256:hex` (Tekton's bundles resolver). */
export function bundleRefSource(bundle: string, entryPoint?: string): RefSource {
  const [uri, digest] = bundle.split('@') as [string, string | undefined];
  const hex = digest?.startsWith('sha256:') ? digest.slice(7) : createHash('sha256').update(bundle).digest('hex');
  return { uri, digest: { sha256: hex }, ...(entryPoint ? { entryPoint } : {}) };
}

/** The bundle a taskRef points at (v1beta1 `bundle` or v1 `resolver: bundles` param). */
export function bundleOf(ref: TaskRef | undefined): string | undefined {
  if (!ref) return undefined;
  if (ref.bundle) return ref.bundle;
  if (ref.resolver === 'bundles') {
    const v = ref.params?.find((p) => p.name === 'bundle')?.value;
    return typeof v === 'string' ? v : undefined;
  }
  return undefined;
}

/** Feature flags Tekton records in `status.provenance.featureFlags` (a realistic default set). */
export const FEATURE_FLAGS = {
  RunningInEnvWithInjectedSidecars: true,
  EnableAPIFields: 'beta',
  AwaitSidecarReadiness: true,
  EnforceNonfalsifiability: 'none',
  VerificationNoMatchPolicy: 'ignore',
  ResultExtractionMethod: 'termination-message',
  MaxResultSize: 4096,
  Coschedule: 'workspaces',
} as const;

export interface SimContext {
  t0: Date;
  namespace: string;
  prName: string;
  pipelineName: string;
  apiVersion: 'tekton.dev/v1' | 'tekton.dev/v1beta1';
  serviceAccountName: string;
}
