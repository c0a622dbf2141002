import type { DsseEnvelope } from '../../dsse/envelope.ts';
import type { LoggedEntry } from '../../transparency/entry.ts';
import type { EmbeddedEvent, MaterialView } from '../run-view.ts';
import { obj, str } from './fields.ts';

const EVENT_URI = 'urn:tekton-provenance:event:';

/**
 * The attestation binds its event twice: as a material/dependency (uri + digest, covered by
 * the run's signature) and as the embedded signed envelope. The bound digest is taken from
 * the material, so an envelope swapped for another event's fails the digest check.
 */
export function embeddedEvent(state: unknown, envelope: unknown, materials: MaterialView[], reason: unknown, keyless: Record<string, unknown> = {}): EmbeddedEvent {
  if (state === 'absent') return { state: 'absent', reason: str(reason) ?? 'the attestation records no trigger event' };
  if (state === 'mismatch') return { state: 'mismatch', reason: `the controller recorded an event mismatch: ${str(reason) ?? 'unknown'}` };
  if (state !== 'found') return { state: 'unreadable', reason: 'the attestation has no trigger event record (not made by tekton-provenance?)' };
  const material = materials.find((m) => m.uri.startsWith(EVENT_URI));
  if (!material?.digest.sha256) return { state: 'unreadable', reason: 'the trigger event is embedded but not bound as a material' };
  const env = obj(envelope);
  if (typeof env.payload !== 'string' || typeof env.payloadType !== 'string' || !Array.isArray(env.signatures)) {
    return { state: 'unreadable', reason: 'the embedded trigger event envelope is malformed' };
  }
  const found: EmbeddedEvent = {
    state: 'found',
    envelope: env as unknown as DsseEnvelope,
    digest: `sha256:${material.digest.sha256}`,
    eventId: material.uri.slice(EVENT_URI.length),
  };
  // A keyless record's chain and log entry (formats/shared/event.ts); checked by checkEvent.
  if (Array.isArray(keyless.certificates) && keyless.certificates.every((c) => typeof c === 'string')) found.certificates = keyless.certificates as string[];
  if (keyless.tlog !== null && typeof keyless.tlog === 'object') found.tlog = keyless.tlog as LoggedEntry;
  return found;
}
