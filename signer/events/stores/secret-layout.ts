import { createHash } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';

/** How event records map onto Secrets; see docs/signer.md "kubernetes-secrets store". */
export const SECRET_TYPE = 'tekton-provenance.dev/event-record';
export const PART_LABEL = 'tekton-provenance.dev/part';
export const EVENT_ID_LABEL = 'tekton-provenance.dev/event-id';
/** Label values stop at 63 chars, a sha256 hex is 64: the label holds 63, the annotation all. */
export const DIGEST_LABEL = 'tekton-provenance.dev/event-digest-prefix';
export const DIGEST_ANNOTATION = 'tekton-provenance.dev/event-digest';
/** Retention: set on the record Secret when an attestation embeds the record (first mark wins). */
export const ATTESTED_AT_ANNOTATION = 'tekton-provenance.dev/attested-at';
export const ATTESTED_RUN_ANNOTATION = 'tekton-provenance.dev/attested-run';
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'tekton-provenance' };

/**
 * The API server refuses Secrets whose data exceeds 1 MiB (and etcd requests ~1.5 MiB).
 * Records up to this size live in one Secret; bigger ones are split into chunk Secrets.
 */
export const INLINE_MAX_BYTES = 700 * 1024;
export const CHUNK_BYTES = 700 * 1024;
/** A 25 MiB body (GitHub's maximum) escaped in JSON and base64'd in the envelope fits. */
export const MAX_RECORD_BYTES = 96 * 1024 * 1024;

export interface ChunkManifest {
  chunks: number;
  size: number;
  sha256: string;
}

const hex = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/**
 * The record Secret is named from the event id: creating it is atomic in the API server, so
 * two replicas storing the same event id cannot both succeed (AlreadyExists -> compare).
 */
export function recordSecretName(eventId: string): string {
  return `tkn-prov-event-${hex(eventId).slice(0, 40)}`;
}

/** Chunks are content-addressed, so a retried or conflicting put never overwrites another's. */
export function chunkSecretName(eventId: string, recordSha256: string, index: number): string {
  return `${recordSecretName(eventId)}-${recordSha256.slice(0, 16)}-${index}`;
}

export function digestLabelValue(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 63);
}

export function recordSecret(
  name: string,
  eventId: string,
  digest: string,
  data: Record<string, string>,
): V1Secret {
  const labels = { [PART_LABEL]: 'event-record', [EVENT_ID_LABEL]: eventId, [DIGEST_LABEL]: digestLabelValue(digest) };
  return ownedSecret(name, labels, data, { [DIGEST_ANNOTATION]: digest });
}

export function chunkSecret(name: string, eventId: string, chunk: Buffer): V1Secret {
  return ownedSecret(name, { [PART_LABEL]: 'event-record-chunk', [EVENT_ID_LABEL]: eventId }, { chunk: chunk.toString('base64') });
}

/** A Secret of our type, labelled as managed by us. */
function ownedSecret(
  name: string,
  labels: Record<string, string>,
  data: Record<string, string>,
  annotations?: Record<string, string>,
): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: SECRET_TYPE,
    metadata: { name, labels: { ...MANAGED_BY, ...labels }, ...(annotations ? { annotations } : {}) },
    data,
  };
}

export { hex as sha256Hex };
