import { modelError } from './errors.ts';
import { childReferences, embeddedChildStatus, normalisePipelineRun } from './pipelinerun.ts';
import { isObj, type Obj } from './read.ts';
import { normaliseTaskRun } from './taskrun.ts';
import type { ChildObject, ChildReference, MissingChild, TaskRunInfo, TektonRun } from './types.ts';

/**
 * Normalises a PipelineRun and its children into the typed TektonRun every format reads.
 * Children the caller could not fetch (`deleted`) or cannot attest (`customrun`) are listed in
 * `missing`; a child referenced by the run but absent from `children` is taken from the
 * deprecated embedded v1beta1 status when present, otherwise it counts as deleted.
 */
export function normaliseRun(pipelineRun: object, children: ChildObject[]): TektonRun {
  const pr = normalisePipelineRun(pipelineRun);
  const taskRuns: TaskRunInfo[] = [];
  const missing: MissingChild[] = [];
  const seen = new Set<string>();
  for (const [i, child] of children.entries()) {
    seen.add(child.ref.name);
    if (child.state !== 'found') {
      missing.push(missingChild(child.ref, child.state));
      continue;
    }
    if (child.object === undefined) {
      throw modelError('MISSING_FIELD', `child ${child.ref.name} is marked found but has no object (children[${i}])`);
    }
    taskRuns.push(normaliseTaskRun(child.object, child.ref.pipelineTaskName || undefined, `children[${i}] (${child.ref.name})`));
  }
  for (const ref of pr.childReferences) {
    if (seen.has(ref.name)) continue;
    if (isCustomRun(ref)) {
      missing.push(missingChild(ref, 'customrun'));
      continue;
    }
    const embedded = embeddedChildStatus(pr.rawStatus as Obj, ref.name);
    if (embedded) taskRuns.push(fromEmbedded(pr.apiVersion, pr.meta.namespace, ref, embedded));
    else missing.push(missingChild(ref, 'deleted'));
  }
  const order = new Map([...pr.tasks, ...pr.finallyTasks].map((t, i) => [t.name, i]));
  taskRuns.sort((a, b) => byStartTime(a, b, order));
  return { pipelineRun: pr, taskRuns, missing };
}

/**
 * Pairs exported TaskRun objects with the run's childReferences by name (CLI and backfills).
 * CustomRun refs become `customrun`; refs with no object are left out, so normaliseRun falls
 * back to the embedded v1beta1 status or records them as deleted; objects that match no ref
 * are kept as found children.
 */
export function matchChildren(pipelineRun: object, objects: object[]): ChildObject[] {
  if (!isObj(pipelineRun)) throw modelError('NOT_AN_OBJECT', 'PipelineRun is not a JSON object');
  const refs = childReferences(isObj(pipelineRun['status']) ? pipelineRun['status'] : {}, 'PipelineRun.status');
  const byName = new Map<string, object>();
  for (const o of objects) byName.set(nameOf(o), o);
  const out: ChildObject[] = [];
  for (const ref of refs) {
    const object = byName.get(ref.name);
    if (isCustomRun(ref)) out.push({ ref, state: 'customrun' });
    else if (object !== undefined) out.push({ ref, object, state: 'found' });
    byName.delete(ref.name);
  }
  for (const [name, object] of byName) {
    out.push({ ref: { kind: 'TaskRun', name, pipelineTaskName: '' }, object, state: 'found' });
  }
  return out;
}

function nameOf(o: object): string {
  const meta = isObj(o) && isObj(o['metadata']) ? o['metadata'] : {};
  return typeof meta['name'] === 'string' ? meta['name'] : '';
}

function isCustomRun(ref: ChildReference): boolean {
  return ref.kind === 'CustomRun' || ref.kind === 'Run';
}

function missingChild(ref: ChildReference, reason: MissingChild['reason']): MissingChild {
  return { name: ref.name, pipelineTaskName: ref.pipelineTaskName, kind: ref.kind, reason };
}

/** A TaskRun rebuilt from the embedded v1beta1 `status.taskRuns[name]` (no spec: params unknown). */
function fromEmbedded(apiVersion: string, namespace: string, ref: ChildReference, e: Obj): TaskRunInfo {
  const object = { apiVersion, kind: 'TaskRun', metadata: { name: ref.name, namespace }, spec: {}, status: e['status'] };
  return normaliseTaskRun(object, ref.pipelineTaskName || undefined, `PipelineRun.status.taskRuns.${ref.name}`);
}

/** Execution order: start time, then declaration order in the pipeline, then name. */
function byStartTime(a: TaskRunInfo, b: TaskRunInfo, order: Map<string, number>): number {
  const ta = a.startTime ?? '\uffff';
  const tb = b.startTime ?? '\uffff';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const oa = order.get(a.pipelineTaskName) ?? Number.MAX_SAFE_INTEGER;
  const ob = order.get(b.pipelineTaskName) ?? Number.MAX_SAFE_INTEGER;
  if (oa !== ob) return oa - ob;
  return a.meta.name < b.meta.name ? -1 : a.meta.name > b.meta.name ? 1 : 0;
}
