import type { SignedEventSummary } from '../../signer/server/post-event.ts';
import { interceptorError, type InterceptorErrorCode } from '../errors.ts';
import type { EventStatement } from '../record/statement.ts';
import { UdsTransport, UdsTransportError } from './uds-transport.ts';

/** The signer's fast request form (signer/server/post-event.ts): raw statement bytes. */
const STATEMENT_CONTENT_TYPE = 'application/vnd.in-toto+json';

export const DEFAULT_SIGNER_SOCKET = '/var/run/tekton-provenance/signer.sock';
/** Half the EventListener's 10 s budget, leaving room for everything else. */
export const DEFAULT_SIGNER_TIMEOUT_MS = 5_000;

/** What the signer answers once an event is signed and stored (never the payload back). */
export type SignedEvent = Omit<SignedEventSummary, 'created'>;

/** What the interceptor needs from the signer: sign and durably store one event statement. */
export interface EventSigner {
  signEvent(statement: EventStatement): Promise<SignedEvent>;
  healthy(): Promise<boolean>;
  close(): void;
}

/** The signer's error codes (contract with signer/server) -> ours. */
const SIGNER_CODES: Record<string, InterceptorErrorCode> = {
  EVENT_CONFLICT: 'EVENT_CONFLICT',
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
};

/**
 * Client of the sidecar signer's `POST /v1/events`. A 200 means signed AND stored. The
 * answer is checked against what we sent (same digest and event id) so the extensions never
 * name another event's record. (A repeated event id with the same body may come back as the
 * first stored record: the store keeps one record per event.)
 */
export class UdsEventSigner implements EventSigner {
  readonly #transport: UdsTransport;
  readonly #timeoutMs: number;

  constructor(socketPath: string, timeoutMs = DEFAULT_SIGNER_TIMEOUT_MS) {
    this.#transport = new UdsTransport(socketPath);
    this.#timeoutMs = timeoutMs;
  }

  async signEvent(statement: EventStatement): Promise<SignedEvent> {
    // The statement bytes as they are (no base64, no JSON around them); the answer is a summary.
    const request = { type: STATEMENT_CONTENT_TYPE, bytes: statement.bytes };
    const res = await this.#transport.exchange('POST', '/v1/events', request, this.#timeoutMs).catch((err: unknown) => {
      throw transportError(err);
    });
    const answer = parseJson(res.body);
    if (res.status !== 200) {
      const error = (answer as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      const code = typeof error?.code === 'string' ? error.code : `HTTP ${res.status}`;
      const message = typeof error?.message === 'string' ? error.message : 'no message';
      throw interceptorError(SIGNER_CODES[code] ?? 'SIGNER_REJECTED', `signer refused the event (${code}): ${message}`);
    }
    const signed = (answer as { signed?: Partial<SignedEvent> } | undefined)?.signed;
    checkSigned(signed, statement);
    return { eventId: signed.eventId, digest: signed.digest, keyid: signed.keyid, signature: signed.signature, storedAt: signed.storedAt };
  }

  async healthy(): Promise<boolean> {
    try {
      return (await this.#transport.exchange('GET', '/v1/healthz', undefined, 1_000)).status === 200;
    } catch {
      return false;
    }
  }

  close(): void {
    this.#transport.close();
  }
}

function checkSigned(
  signed: Partial<SignedEvent> | undefined,
  statement: EventStatement,
): asserts signed is SignedEvent {
  const ok =
    signed !== undefined &&
    signed.digest === statement.digest &&
    signed.eventId === statement.eventId &&
    typeof signed.signature === 'string' &&
    signed.signature !== '' &&
    typeof signed.keyid === 'string' &&
    typeof signed.storedAt === 'string';
  if (!ok) throw interceptorError('SIGNER_BAD_RESPONSE', 'signer answered 200 with a summary that is not this event');
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function transportError(err: unknown) {
  if (err instanceof UdsTransportError) {
    return interceptorError(err.kind === 'timeout' ? 'SIGNER_TIMEOUT' : 'SIGNER_UNAVAILABLE', err.message, err);
  }
  return interceptorError('SIGNER_UNAVAILABLE', `signer call failed: ${String(err)}`, err);
}
