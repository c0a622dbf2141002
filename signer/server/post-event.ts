import type { IncomingMessage, ServerResponse } from 'node:http';
import { PROOF_HEADER, proofFromHeader } from '../authenticity/proof.ts';
import { decodeBase64 } from '../dsse/base64.ts';
import type { SignedEventRecord } from '../events/event-record.ts';
import { serializeRecord } from '../events/record-codec.ts';
import { ApiError, readBody, sendJson } from './http.ts';
import type { EventSigningService } from './sign-and-store.ts';

/**
 * Content type of the fast form of `POST /v1/events`: the body IS the statement (exact bytes),
 * and the answer is a short summary. The legacy form (`application/json`,
 * `{"payload": base64}`, answered with the whole record) stays for tools and old clients.
 */
export const STATEMENT_CONTENT_TYPE = 'application/vnd.in-toto+json';

/** What the fast form answers: enough for the interceptor's extensions, never the payload. */
export interface SignedEventSummary {
  eventId: string;
  digest: string;
  keyid: string;
  /** Standard base64 DSSE signature of the stored envelope. */
  signature: string;
  storedAt: string;
  /** false when the event was stored before (a redelivery gets the first signature). */
  created: boolean;
}

export async function postEvent(
  req: IncomingMessage,
  res: ServerResponse,
  service: EventSigningService,
  max: number,
): Promise<void> {
  const raw = await readBody(req, max);
  // The webhook's authenticity proof travels in a header beside the statement (never stored).
  const proof = proofFromHeader(req.headers[PROOF_HEADER]);
  const type = (req.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (type === STATEMENT_CONTENT_TYPE) {
    // One copy, one parse: the bytes go straight to validation and signing.
    const { record, created } = await service.signAndStore(raw, { proof });
    sendJson(res, 200, `{"signed":${JSON.stringify(summaryOf(record, created))}}`);
    return;
  }
  const { record } = await service.signAndStore(decodeBase64(legacyPayload(raw), 'payload'), { proof });
  // Acknowledged only now: the store resolved, so the record is durable.
  sendJson(res, 200, `{"record":${serializeRecord(record)}}`);
}

export function summaryOf(record: SignedEventRecord, created: boolean): SignedEventSummary {
  return {
    eventId: record.eventId,
    digest: record.digest,
    keyid: record.keyid,
    signature: record.envelope.signatures[0]?.sig ?? '',
    storedAt: record.storedAt,
    created,
  };
}

function legacyPayload(raw: Buffer): string {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ApiError(
      'INVALID_EVENT_RECORD',
      `request is neither ${STATEMENT_CONTENT_TYPE} statement bytes nor JSON {"payload": "<base64 statement>"}`,
    );
  }
  const payload = (body as { payload?: unknown } | null)?.payload;
  if (typeof payload !== 'string' || payload === '') {
    throw new ApiError('INVALID_EVENT_RECORD', 'request has no "payload" string (standard base64 of the statement)');
  }
  return payload;
}
