import type { KubeObject } from '../protocol/review.ts';

/** One image reference of a workload and where it sits (an RFC 6901 pointer for the patch). */
export interface ImageSlot {
  image: string;
  path: string;
  container: string;
}

/** The pod template of a workload: its images, pull secrets and ServiceAccount. */
export interface PodTemplate {
  slots: ImageSlot[];
  imagePullSecrets: string[];
  serviceAccountName: string;
}

/** Where each supported kind keeps its pod spec (apps/v1, batch/v1, core/v1). */
const POD_SPEC_PATH: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export const SUPPORTED_KINDS = Object.keys(POD_SPEC_PATH);
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

interface PodSpecLike {
  containers?: Array<{ name?: string; image?: string }>;
  initContainers?: Array<{ name?: string; image?: string }>;
  ephemeralContainers?: Array<{ name?: string; image?: string }>;
  imagePullSecrets?: Array<{ name?: string }>;
  serviceAccountName?: string;
}

/** The pod template of `obj`, or undefined when its kind runs no pods (or it has no spec yet). */
export function podTemplateOf(kind: string, obj: KubeObject): PodTemplate | undefined {
  const path = POD_SPEC_PATH[kind];
  if (!path) return undefined;
  let node: unknown = obj;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  if (node === null || typeof node !== 'object') return undefined;
  const spec = node as PodSpecLike;
  const base = `/${path.join('/')}`;
  const slots: ImageSlot[] = [];
  for (const list of CONTAINER_LISTS) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    containers.forEach((c, i) => {
      if (typeof c?.image === 'string' && c.image !== '') slots.push({ image: c.image, path: `${base}/${list}/${i}/image`, container: String(c.name ?? i) });
    });
  }
  return {
    slots,
    imagePullSecrets: (spec.imagePullSecrets ?? []).map((s) => s?.name).filter((n): n is string => typeof n === 'string' && n !== ''),
    serviceAccountName: typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '' ? spec.serviceAccountName : 'default',
  };
}
