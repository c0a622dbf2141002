import { ApisApi, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import type { RunRef } from '../../attest/types.ts';
import { storageError } from '../../storage/errors.ts';
import type { RunAnnotationsApi, RunAnnotationsSnapshot } from '../../storage/tekton/run-annotations.ts';
import { httpStatusOf } from '../errors.ts';

export type TektonVersion = 'v1' | 'v1beta1';

/** A Kubernetes object as plain JSON (the model normalises it; the controller reads metadata only). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string; namespace?: string; uid?: string; resourceVersion?: string; creationTimestamp?: string;
    deletionTimestamp?: string; labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[];
  };
  status?: Record<string, unknown>;
  [key: string]: unknown;
}

const PLURALS: Record<string, string> = { PipelineRun: 'pipelineruns', TaskRun: 'taskruns', CustomRun: 'customruns' };

/**
 * tekton.dev v1 when the cluster serves it, else v1beta1 (Tekton before 0.44), read from
 * API discovery once at start-up.
 */
export async function detectTektonVersion(kc: KubeConfig): Promise<TektonVersion> {
  const groups = await kc.makeApiClient(ApisApi).getAPIVersions();
  const tekton = groups.groups.find((g) => g.name === 'tekton.dev');
  return tekton?.versions.some((v) => v.version === 'v1') ? 'v1' : 'v1beta1';
}

/**
 * The controller's reads and writes of Tekton objects. Writes are merge patches guarded by
 * `metadata.resourceVersion`, so a write based on a stale read is a 409 (RUN_CONFLICT), never
 * a lost update; 404 is RUN_GONE.
 */
export class TektonApi implements RunAnnotationsApi {
  readonly version: TektonVersion;
  readonly #custom: CustomObjectsApi;

  constructor(kc: KubeConfig, version: TektonVersion) {
    this.version = version;
    this.#custom = kc.makeApiClient(CustomObjectsApi);
  }

  get apiVersion(): string {
    return `tekton.dev/${this.version}`;
  }

  /**
   * A fresh read (never the watch cache); undefined when the object does not exist.
   * `version` overrides the served version (CustomRuns exist only as tekton.dev/v1beta1).
   */
  async get(kind: string, namespace: string, name: string, version: string = this.version): Promise<KubeObject | undefined> {
    const plural = PLURALS[kind];
    if (!plural) return undefined;
    try {
      return (await this.#custom.getNamespacedCustomObject({ group: 'tekton.dev', version, namespace, plural, name })) as KubeObject;
    } catch (err) {
      if (httpStatusOf(err) === 404) return undefined;
      throw err;
    }
  }

  /** One page of a cluster-wide (or namespaced) list, for the watcher's relist. */
  async listPage(plural: string, namespace: string | undefined, limit: number, cont: string | undefined): Promise<{ items: KubeObject[]; resourceVersion: string; continue?: string }> {
    const common = { group: 'tekton.dev', version: this.version, plural, limit, ...(cont ? { _continue: cont } : {}) };
    const list = (namespace
      ? await this.#custom.listNamespacedCustomObject({ ...common, namespace })
      : await this.#custom.listClusterCustomObject(common)) as { items?: KubeObject[]; metadata?: { resourceVersion?: string; continue?: string } };
    return { items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion ?? '', ...(list.metadata?.continue ? { continue: list.metadata.continue } : {}) };
  }

  /** Merge-patches metadata (annotations: null deletes; finalizers replace the list) if `resourceVersion` still matches. */
  async patchMetadata(namespace: string, name: string, resourceVersion: string, metadata: { annotations?: Record<string, string | null>; finalizers?: string[] }): Promise<KubeObject> {
    try {
      return (await this.#custom.patchNamespacedCustomObject(
        { group: 'tekton.dev', version: this.version, namespace, plural: 'pipelineruns', name, body: { metadata: { ...metadata, resourceVersion } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )) as KubeObject;
    } catch (err) {
      const status = httpStatusOf(err);
      if (status === 409) throw storageError('RUN_CONFLICT', `PipelineRun ${namespace}/${name} changed since it was read`, err);
      if (status === 404) throw storageError('RUN_GONE', `PipelineRun ${namespace}/${name} no longer exists`, err);
      throw err;
    }
  }

  async readAnnotations(run: RunRef): Promise<RunAnnotationsSnapshot | undefined> {
    const pr = await this.get('PipelineRun', run.namespace, run.name);
    if (!pr || pr.metadata?.uid !== run.uid) return undefined; // same name, another run: not ours
    return { annotations: pr.metadata?.annotations ?? {}, resourceVersion: pr.metadata?.resourceVersion ?? '' };
  }

  async patchAnnotations(run: RunRef, resourceVersion: string, changes: Record<string, string | null>): Promise<void> {
    await this.patchMetadata(run.namespace, run.name, resourceVersion, { annotations: changes });
  }
}
