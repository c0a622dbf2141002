import type { EventLink } from '../../attest/types.ts';
import type { DsseEnvelope } from '../../dsse/envelope.ts';
import type { SignedEventRecord } from '../../events/event-record.ts';
import type { DigestSet } from '../../intoto/statement.ts';
import type { LoggedEntry } from '../../transparency/entry.ts';
import { parseDigest } from './digest.ts';

/** Media type of an embedded DSSE envelope (as cosign's OCI layers use it). */
export const DSSE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';

/** URI naming a trigger event in materials / resolvedDependencies. */
export function eventUri(eventId: string): string {
  return `urn:tekton-provenance:event:${eventId}`;
}

/**
 * How the attestation records its trigger event (v0.2 `buildConfig.triggerEvent`): the whole
 * signed envelope when found, so an auditor needs nothing else; the reason when absent; the
 * error (never hidden) when the run's label and annotation disagree.
 */
export type TriggerEvent =
  | ({ state: 'found'; eventId: string; digest: string; triggerId: string; keyid: string; envelope: DsseEnvelope } & KeylessProof)
  | { state: 'absent'; reason: string }
  | { state: 'mismatch'; error: string; eventId?: string; digest?: string; envelope?: DsseEnvelope };

/**
 * A keyless event record's proof, embedded beside its envelope so `verify` checks it offline
 * as `verify-event` does: the Fulcio chain and the log entry that says when it was signed
 * (a certificate lives minutes; without the entry it proves nothing). Key-signed records carry
 * neither, so their attestations are unchanged.
 */
export interface KeylessProof {
  certificates?: string[];
  tlog?: LoggedEntry;
}

export function triggerEvent(link: EventLink): TriggerEvent {
  if (link.state === 'absent') return { state: 'absent', reason: link.reason };
  if (link.state === 'found') {
    const r = link.record;
    const proof: KeylessProof = r.certificates ? { certificates: [...r.certificates], ...(r.tlog ? { tlog: r.tlog } : {}) } : {};
    return { state: 'found', eventId: r.eventId, digest: r.digest, triggerId: r.triggerId, keyid: r.keyid, envelope: envelopeCopy(r.envelope), ...proof };
  }
  const out: TriggerEvent = { state: 'mismatch', error: link.reason };
  if (link.record) {
    out.eventId = link.record.eventId;
    out.digest = link.record.digest;
    out.envelope = envelopeCopy(link.record.envelope);
  }
  return out;
}

/** The event as a material (`uri`, sha256 of the body) when a record is known. */
export function eventMaterial(link: EventLink): { uri: string; digest: DigestSet; record: SignedEventRecord } | undefined {
  const record = link.state === 'absent' ? undefined : link.record;
  if (record === undefined) return undefined;
  const digest = parseDigest(record.digest);
  if (digest === undefined) return undefined;
  return { uri: eventUri(record.eventId), digest, record };
}

/** Fixed field order, so the signed bytes do not depend on how the record was loaded. */
export function envelopeCopy(env: DsseEnvelope): DsseEnvelope {
  return {
    payloadType: env.payloadType,
    payload: env.payload,
    signatures: env.signatures.map((s) => (s.keyid ? { keyid: s.keyid, sig: s.sig } : { sig: s.sig })),
  };
}
