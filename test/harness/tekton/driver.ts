import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { ProvenanceError } from '../../../signer/errors.ts';
import type { TektonSimErrorCode } from './errors.ts';
import { simulatePipelineRun } from './simulate.ts';
import type { RunObjects, RunOp, SimulatedRun } from './simulate.ts';
import type { RunInput } from './types.ts';

type Json = Record<string, unknown>;

export interface DriveOptions {
  /** Real milliseconds to wait between two virtual instants (default 0: as fast as possible). */
  stepDelayMs?: number;
  /** Called before each write; return false to stop there (e.g. to assert on a running state). */
  beforeOp?: (op: RunOp) => boolean | void | Promise<boolean | void>;
  /**
   * The PipelineRun `input.name` already exists (e.g. created by the EventListener simulator
   * from a TriggerTemplate): adopt it (its uid, labels, annotations, spec) instead of creating it.
   */
  adopt?: boolean;
  /**
   * Write status as a JSON merge patch of `/status` without a resourceVersion, for when another
   * controller (ours: finalizer, annotations) writes the same objects meanwhile; the real
   * Tekton controller retries such conflicts. Default: PUT `/status` with the resourceVersion.
   */
  mergeStatus?: boolean;
}

export interface DrivenRun {
  sim: SimulatedRun;
  /** uid the API server gave the PipelineRun. */
  uid: string;
  /** The writes that were made. */
  applied: RunOp[];
  /** The objects as finally written (what the server returned last, per object). */
  objects: RunObjects;
}

const PLURAL: Record<string, string> = { PipelineRun: 'pipelineruns', TaskRun: 'taskruns', CustomRun: 'customruns' };

function target(obj: Json): { group: string; version: string; namespace: string; plural: string; name: string } {
  const [group, version] = String(obj['apiVersion']).split('/') as [string, string];
  const meta = obj['metadata'] as { name: string; namespace: string };
  return { group, version, namespace: meta.namespace, plural: PLURAL[String(obj['kind'])] ?? '', name: meta.name };
}

/**
 * Runs the simulation against a Kubernetes API server through the REAL client-node, the way
 * the Tekton controller writes: create (spec), then `/status` updates, children after the
 * PipelineRun (with its real uid in ownerReferences and labels), deletes for deleted children.
 */
export async function runPipeline(kc: KubeConfig, input: RunInput, opts: DriveOptions = {}): Promise<DrivenRun> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const sim = simulatePipelineRun(input);
  const first = sim.snapshot(0).pipelineRun;
  const created = (await write(() =>
    opts.adopt ? api.getNamespacedCustomObject(target(first)) : api.createNamespacedCustomObject({ ...target(first), body: stripStatus(first) }),
  )) as Json;
  const uid = String((created['metadata'] as Json)['uid']);
  const latest = new Map<string, Json>([[key(first), created]]);
  const applied: RunOp[] = [];
  let lastOffset = 0;
  for (const op of sim.ops(uid)) {
    if (op.op === 'create' && op.object['kind'] === 'PipelineRun') continue; // done above
    if (opts.beforeOp && (await opts.beforeOp(op)) === false) break;
    if (opts.stepDelayMs && op.offset !== lastOffset) await new Promise((r) => setTimeout(r, opts.stepDelayMs));
    lastOffset = op.offset;
    const t = target(op.object);
    const k = key(op.object);
    if (op.op === 'create') {
      latest.set(k, (await write(() => api.createNamespacedCustomObject({ ...t, body: stripStatus(op.object) }))) as Json);
    } else if (op.op === 'status' && opts.mergeStatus) {
      const patch = { ...t, body: { status: op.object['status'] } };
      latest.set(k, (await write(() => api.patchNamespacedCustomObjectStatus(patch, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)))) as Json);
    } else if (op.op === 'status') {
      // PUT /status with the live resourceVersion; on 409 (someone else wrote, e.g. our
      // controller's annotations) re-read and re-apply, as Tekton's reconciler does.
      const put = async (): Promise<Json> => {
        const rv = ((latest.get(k)?.['metadata'] as Json | undefined)?.['resourceVersion']) as string | undefined;
        const body = { ...op.object, metadata: { ...(op.object['metadata'] as Json), resourceVersion: rv } };
        return (await api.replaceNamespacedCustomObjectStatus({ ...t, body })) as Json;
      };
      const refresh = async (): Promise<void> => {
        latest.set(k, (await api.getNamespacedCustomObject(t)) as Json);
      };
      latest.set(k, await write(put, refresh));
    } else {
      await write(() => api.deleteNamespacedCustomObject({ ...t }));
      latest.delete(k);
    }
    applied.push(op);
  }
  const all = [...latest.values()];
  return {
    sim,
    uid,
    applied,
    objects: {
      pipelineRun: latest.get(key(first)) ?? created,
      taskRuns: all.filter((o) => o['kind'] === 'TaskRun'),
      customRuns: all.filter((o) => o['kind'] === 'CustomRun'),
    },
  };
}

/** Deletes a child (TaskRun/CustomRun) right now, e.g. from `beforeOp`, through client-node. */
export async function deleteChild(kc: KubeConfig, apiVersion: string, kind: 'TaskRun' | 'CustomRun', namespace: string, name: string): Promise<void> {
  const api = kc.makeApiClient(CustomObjectsApi);
  await write(() => api.deleteNamespacedCustomObject({ ...target({ apiVersion, kind, metadata: { name, namespace } }) }));
}

function key(o: Json): string {
  const m = o['metadata'] as { name: string };
  return `${String(o['kind'])}/${m.name}`;
}

function stripStatus(o: Json): Json {
  const { status: _status, ...rest } = o;
  return rest;
}

const MAX_ATTEMPTS = 5;

/**
 * One write with the controller's patience: 429/5xx/connection errors are retried with a short
 * backoff, a 409 too when `onConflict` can refresh the object first; at most MAX_ATTEMPTS tries,
 * then RUN_WRITE_FAILED.
 */
async function write<T>(fn: () => Promise<T>, onConflict?: () => Promise<void>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const retriable = code === 429 || (typeof code === 'number' && code >= 500) || typeof code === 'string' || (code === 409 && onConflict !== undefined);
      if (!retriable || attempt >= MAX_ATTEMPTS) {
        throw new ProvenanceError<TektonSimErrorCode>('RUN_WRITE_FAILED', `the API server refused a write (${attempt} attempts): ${(err as Error).message}`, { cause: err });
      }
      await new Promise((r) => setTimeout(r, 20 * attempt));
      if (code === 409 && onConflict) await onConflict().catch(() => undefined);
    }
  }
}
