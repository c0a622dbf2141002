import { modelError } from '../model/errors.ts';
import type { SignedEventRecord } from '../events/event-record.ts';
import { matchChildren, normaliseRun, parseKubeObjects } from '../model/index.ts';
import type { TektonRun } from '../model/types.ts';
import type { DigestLookup, EventLookup } from './event-link.ts';

/**
 * Turns exported objects (`kubectl get -o json|yaml`, as the `attest` command reads them)
 * into the same TektonRun the controller builds from the API: exactly one PipelineRun, its
 * TaskRuns paired with `status.childReferences` (missing ones become incomplete tasks).
 */
export function runFromExports(pipelineRunText: string, taskRunTexts: readonly string[]): TektonRun {
  const objects = [parseKubeObjects(pipelineRunText, 'the --pipelinerun file'), ...taskRunTexts.map((t, i) => parseKubeObjects(t, `--taskruns file ${i + 1}`))].flat();
  const kind = (o: object): unknown => (o as { kind?: unknown }).kind;
  const pipelineRuns = objects.filter((o) => kind(o) === 'PipelineRun');
  if (pipelineRuns.length !== 1) {
    throw modelError('WRONG_KIND', `expected exactly one PipelineRun, found ${pipelineRuns.length}`);
  }
  const others = objects.filter((o) => kind(o) !== 'PipelineRun' && kind(o) !== 'TaskRun');
  if (others.length > 0) {
    throw modelError('WRONG_KIND', `unexpected object kind "${String(kind(others[0] as object))}" (only PipelineRun and TaskRun)`);
  }
  const pr = pipelineRuns[0] as object;
  const run = normaliseRun(pr, matchChildren(pr, objects.filter((o) => kind(o) === 'TaskRun')));
  // From exported files, a TaskRun that is not there was not exported: "deleted" would be a guess.
  return { ...run, missing: run.missing.map((m) => (m.reason === 'deleted' ? { ...m, reason: 'not-exported' as const } : m)) };
}

/** Event lookups over a fixed set of records (a `--event` file) for resolveEventLink. */
export function lookupsOver(records: readonly SignedEventRecord[]): { byId: EventLookup; byDigest: DigestLookup } {
  return {
    byId: async (id) => records.find((r) => r.eventId === id),
    byDigest: async (digest) => records.filter((r) => r.digest === digest),
  };
}
