// Runs and event links built from the committed fixtures, shared by the format tests.
import type { EventLink } from '../../../signer/attest/types.ts';
import { parseRecord } from '../../../signer/events/record-codec.ts';
import type { SignedEventRecord } from '../../../signer/events/event-record.ts';
import { matchChildren, normaliseRun, type TektonRun } from '../../../signer/model/index.ts';
import { fixtureObjects, fixtureText, pipelineRunV1, taskRunsV1, type Json } from '../model/fixtures.ts';

export function eventRecord(): SignedEventRecord {
  return parseRecord(fixtureText('events/push-event-record.json'));
}

export const FOUND: () => EventLink = () => ({ state: 'found', record: eventRecord() });

export function chainsRun(mutate: (pr: Json, trs: Json[]) => void = () => {}): TektonRun {
  const pr = pipelineRunV1();
  const trs = taskRunsV1();
  mutate(pr, trs);
  return normaliseRun(pr, matchChildren(pr, trs));
}

export function chainsRunV1beta1(): TektonRun {
  const pr = fixtureObjects('chains-pipeline/pipelinerun-v1beta1.json')[0]!;
  return normaliseRun(pr, matchChildren(pr, fixtureObjects('chains-pipeline/taskruns-v1beta1.yaml')));
}
