import { EVENT_DIGEST_ANNOTATION, TRIGGERS_EVENT_ID_LABEL, type SignedEventRecord } from '../events/event-record.ts';
import type { TektonRun } from '../model/types.ts';
import type { EventLink } from './types.ts';

/** Looks an event record up by Triggers' event id (e.g. `EventStore.getByEventId`). */
export type EventLookup = (eventId: string) => Promise<SignedEventRecord | undefined>;
/** Optional: records with this `sha256:<hex>` digest (e.g. `EventStore.getByDigest`). */
export type DigestLookup = (digest: string) => Promise<SignedEventRecord[]>;
/** Optional: the record is embedded in run `runUid`'s stored attestation (`EventStore.markAttested`, for retention). */
export type MarkAttested = (eventId: string, runUid: string, at: Date) => Promise<boolean>;

/**
 * Finds the trigger event of a run from the `triggers.tekton.dev/triggers-eventid` label and
 * the stamped `tekton-provenance.dev/event-digest` annotation. Both agreeing with the record:
 * found. A disagreement is a `mismatch` carrying the record, never papered over. Neither
 * label nor annotation: the run was not started by a trigger.
 */
export async function resolveEventLink(run: TektonRun, lookup: EventLookup, byDigest?: DigestLookup): Promise<EventLink> {
  const meta = run.pipelineRun.meta;
  const eventId = meta.labels[TRIGGERS_EVENT_ID_LABEL]?.trim() || undefined;
  const stamped = normaliseDigest(meta.annotations[EVENT_DIGEST_ANNOTATION]);
  if (eventId === undefined && stamped === undefined) {
    return { state: 'absent', reason: 'not started by a trigger (no event-id label, no event-digest annotation)' };
  }
  if (eventId === undefined) {
    const candidates = byDigest && stamped ? await byDigest(stamped) : [];
    const record = candidates[0];
    return record
      ? { state: 'mismatch', reason: `annotation ${EVENT_DIGEST_ANNOTATION}=${stamped} but no ${TRIGGERS_EVENT_ID_LABEL} label`, record }
      : { state: 'absent', reason: `no ${TRIGGERS_EVENT_ID_LABEL} label and no stored event with digest ${stamped}` };
  }
  const record = await lookup(eventId);
  if (record === undefined) {
    return { state: 'absent', reason: `no signed event record for event id ${eventId} (${TRIGGERS_EVENT_ID_LABEL})` };
  }
  const recorded = normaliseDigest(record.digest);
  if (stamped === undefined) {
    return { state: 'mismatch', reason: `event ${eventId} is stored but the run has no ${EVENT_DIGEST_ANNOTATION} annotation`, record };
  }
  if (recorded !== stamped) {
    return { state: 'mismatch', reason: `event ${eventId}: annotation digest ${stamped} != stored event digest ${recorded}`, record };
  }
  return { state: 'found', record };
}

/** `sha256:<hex>` lowercased; a bare 64-hex value (TriggerTemplate stamping) gets the prefix. */
function normaliseDigest(value: string | undefined): string | undefined {
  const v = value?.trim().toLowerCase();
  if (!v) return undefined;
  return /^[0-9a-f]{64}$/.test(v) ? `sha256:${v}` : v;
}
