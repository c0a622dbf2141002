import { createHash } from 'node:crypto';
import { childName, isoAt } from './common.ts';
import type { SimContext } from './common.ts';
import { buildPipelineRun } from './pipelinerun.ts';
import { planRun } from './schedule.ts';
import type { RunPlan } from './schedule.ts';
import { buildCustomRun, buildTaskRun, isCustom } from './taskrun.ts';
import type { RunInput } from './types.ts';
import { toV1beta1 } from './v1beta1.ts';

type Json = Record<string, unknown>;

/** The PipelineRun and its children as the API server holds them at one instant. */
export interface RunObjects {
  pipelineRun: Json;
  taskRuns: Json[];
  customRuns: Json[];
}

/** One write the Tekton controller would make; applied in order by the driver. */
export interface RunOp {
  /** Virtual time of the write (RFC 3339). */
  at: string;
  /** Seconds after the PipelineRun started. */
  offset: number;
  op: 'create' | 'status' | 'delete';
  object: Json;
}

export interface SimulatedRun {
  plan: RunPlan;
  /** The objects at `offset` seconds (uid defaults to a stable fake). */
  snapshot(offset: number, prUid?: string): RunObjects;
  /** Every write from creation to completion. */
  ops(prUid?: string): RunOp[];
  /** The finished objects. */
  final(prUid?: string): RunObjects;
}

/** A stable uuid-shaped uid for pure (server-less) runs. */
export function fakeUid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Pure: plays `input` and returns functions that build the objects at any instant and the
 * ordered writes. No server needed (unit and golden tests); `runPipeline` applies the writes.
 */
export function simulatePipelineRun(input: RunInput): SimulatedRun {
  const t0 = new Date(Math.floor((input.startTime ?? new Date()).getTime() / 1000) * 1000);
  const ctx: SimContext = {
    t0,
    namespace: input.namespace,
    prName: input.name,
    pipelineName: input.pipelineName ?? input.name,
    apiVersion: input.apiVersion ?? 'tekton.dev/v1',
    serviceAccountName: input.serviceAccountName ?? 'default',
  };
  const plan = planRun(input, { 'pipelineRun.name': input.name, 'pipelineRun.namespace': input.namespace, 'pipeline.name': ctx.pipelineName });
  const shape = (o: Json): Json => (ctx.apiVersion === 'tekton.dev/v1beta1' ? toV1beta1(o) : o);

  const snapshot = (offset: number, prUid = fakeUid(`${input.namespace}/${input.name}`)): RunObjects => {
    const live = plan.tasks.filter((p) => p.attempts.length > 0 && (p.attempts[0]?.start ?? Infinity) <= offset && !(p.state === 'deleted' && offset >= (p.attempts.at(-1)?.end ?? 0)));
    const taskRuns = live.filter((p) => !isCustom(p)).map((p) => shape(buildTaskRun(p, offset, ctx, prUid, input.tasks)));
    const customRuns = live.filter(isCustom).map((p) => buildCustomRun(p, offset, ctx, prUid));
    const pr = buildPipelineRun(input, plan, offset, ctx);
    const pipelineRun = ctx.apiVersion === 'tekton.dev/v1beta1' ? toV1beta1(pr, [...taskRuns, ...customRuns], input.embeddedStatus) : pr;
    return { pipelineRun, taskRuns, customRuns };
  };

  const ops = (prUid?: string): RunOp[] => {
    const times = new Set<number>([0, plan.end]);
    for (const p of plan.tasks) for (const a of p.attempts) times.add(a.start).add(a.end);
    if (plan.finallyStart !== undefined) times.add(plan.finallyStart);
    const out: RunOp[] = [];
    let prev: Map<string, string> = new Map();
    let prevPr = '';
    for (const offset of [...times].sort((a, b) => a - b)) {
      const snap = snapshot(offset, prUid);
      const at = isoAt(t0, offset);
      const prText = JSON.stringify(snap.pipelineRun['status']);
      if (offset === 0) out.push({ at, offset, op: 'create', object: snap.pipelineRun });
      if (prText !== prevPr) out.push({ at, offset, op: 'status', object: snap.pipelineRun });
      prevPr = prText;
      const now = new Map<string, string>();
      for (const child of [...snap.taskRuns, ...snap.customRuns]) {
        const name = (child['metadata'] as { name: string }).name;
        const text = JSON.stringify(child['status']);
        now.set(name, text);
        if (!prev.has(name)) out.push({ at, offset, op: 'create', object: child }, { at, offset, op: 'status', object: child });
        else if (prev.get(name) !== text) out.push({ at, offset, op: 'status', object: child });
      }
      for (const name of prev.keys()) {
        if (!now.has(name)) {
          const gone = plan.tasks.find((p) => p.state === 'deleted' && childName(input.name, p.task.name) === name);
          if (gone) out.push({ at, offset, op: 'delete', object: { apiVersion: isCustom(gone) ? 'tekton.dev/v1beta1' : ctx.apiVersion, kind: isCustom(gone) ? 'CustomRun' : 'TaskRun', metadata: { name, namespace: input.namespace } } });
        }
      }
      prev = now;
    }
    // Children's final status is written before the PipelineRun's (the controller sees them done first).
    return out.sort((a, b) => a.offset - b.offset || rank(a) - rank(b));
  };

  return { plan, snapshot, ops, final: (prUid) => snapshot(plan.end, prUid) };
}

function rank(op: RunOp): number {
  if (op.object['kind'] === 'PipelineRun') return op.op === 'create' ? 0 : 3;
  return op.op === 'create' ? 1 : op.op === 'delete' ? 2 : 2;
}
