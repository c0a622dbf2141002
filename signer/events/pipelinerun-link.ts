import {
  EVENT_DIGEST_ANNOTATION,
  EVENT_SIGNATURE_ANNOTATION,
  TRIGGERS_EVENT_ID_LABEL,
  type SignedEventRecord,
} from './event-record.ts';
import { eventError } from './errors.ts';
import type { EventCheck } from './verify-record.ts';

/** What a PipelineRun says about the event that started it. */
export interface PipelineRunEventLink {
  name: string;
  eventId?: string;
  digest?: string;
  signature?: string;
}

/** Reads the Triggers event-id label and our annotations from a PipelineRun object. */
export function eventLinkOf(pipelineRun: unknown): PipelineRunEventLink {
  const meta = (pipelineRun as { metadata?: Record<string, unknown> } | null)?.metadata;
  if (!meta || typeof meta !== 'object')
    throw eventError('INVALID_EVENT_RECORD', 'the PipelineRun has no metadata');
  const labels = (meta.labels ?? {}) as Record<string, string>;
  const annotations = (meta.annotations ?? {}) as Record<string, string>;
  const link: PipelineRunEventLink = { name: `${String(meta.namespace ?? '')}/${String(meta.name ?? '')}` };
  if (labels[TRIGGERS_EVENT_ID_LABEL]) link.eventId = labels[TRIGGERS_EVENT_ID_LABEL];
  if (annotations[EVENT_DIGEST_ANNOTATION]) link.digest = annotations[EVENT_DIGEST_ANNOTATION];
  if (annotations[EVENT_SIGNATURE_ANNOTATION]) link.signature = annotations[EVENT_SIGNATURE_ANNOTATION];
  if (!link.eventId && !link.digest) {
    throw eventError(
      'INVALID_EVENT_RECORD',
      `PipelineRun ${link.name} has neither the ${TRIGGERS_EVENT_ID_LABEL} label nor the ${EVENT_DIGEST_ANNOTATION} annotation`,
    );
  }
  return link;
}

/** The PipelineRun's claims against the stored record: digest, signature, event id. */
export function checkPipelineRunLink(link: PipelineRunEventLink, record: SignedEventRecord): EventCheck[] {
  const checks: EventCheck[] = [];
  const sigs = record.envelope.signatures.map((s) => s.sig);
  checks.push(
    link.digest === record.digest
      ? { name: 'run-digest', ok: true, detail: `${EVENT_DIGEST_ANNOTATION} = ${record.digest}` }
      : {
          name: 'run-digest',
          ok: false,
          detail: `${EVENT_DIGEST_ANNOTATION} is ${link.digest ?? 'missing'}, record has ${record.digest}`,
        },
  );
  checks.push(
    link.signature !== undefined && sigs.includes(link.signature)
      ? { name: 'run-signature', ok: true, detail: `${EVENT_SIGNATURE_ANNOTATION} is the record's signature` }
      : {
          name: 'run-signature',
          ok: false,
          detail: `${EVENT_SIGNATURE_ANNOTATION} is ${link.signature ? "not the record's signature" : 'missing'}`,
        },
  );
  checks.push(
    link.eventId === record.eventId
      ? { name: 'run-event-id', ok: true, detail: `${TRIGGERS_EVENT_ID_LABEL} = ${record.eventId}` }
      : {
          name: 'run-event-id',
          ok: false,
          detail: `${TRIGGERS_EVENT_ID_LABEL} is ${link.eventId ?? 'missing'}, record has ${record.eventId}`,
        },
  );
  return checks;
}
