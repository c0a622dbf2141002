import { encodeSignWebhook, type AuthenticityProof } from '../../signer/authenticity/proof.ts';
import type { SignedEventSummary } from '../../signer/server/post-event.ts';
import { FrameKind, frameDeadline } from '../../signer/protocol/frames.ts';
import { interceptorError, type InterceptorErrorCode } from '../errors.ts';
import type { EventStatement } from '../record/statement.ts';
import { FrameTransport, SignerTransportError } from './frame-transport.ts';

export const DEFAULT_SIGNER_SOCKET = '/var/run/tekton-provenance/signer.sock';
/** Half the EventListener's 10 s budget, leaving room for everything else. */
export const DEFAULT_SIGNER_TIMEOUT_MS = 5_000;
/**
 * Share of the time left for a signer call kept for a commit begun at the last moment: the
 * signer must BEGIN its durable write by (give-up time - this share), so a write it begins is
 * answered before we give up (docs/security.md, "Limits and integrity"). 5 s -> begin by 3 s.
 */
export const COMMIT_GRACE_SHARE = 0.4;

export interface SignOptions {
  /** When the caller gives up on the whole request (ms since the epoch); the call ends by then. */
  deadline?: number | undefined;
  /** The webhook's authenticity proof, checked by the signer (absent: an unverified `none` event). */
  proof?: AuthenticityProof | undefined;
}

/** What the signer answers once an event is signed and stored (never the payload back). */
export type SignedEvent = Omit<SignedEventSummary, 'created'>;

/** What the interceptor needs from the signer: sign and durably store one event statement. */
export interface EventSigner {
  signEvent(statement: EventStatement, opts?: SignOptions): Promise<SignedEvent>;
  healthy(): Promise<boolean>;
  close(): void;
}

/** The signer's error codes (contract with signer/server) -> ours. */
const SIGNER_CODES: Record<string, InterceptorErrorCode> = {
  EVENT_CONFLICT: 'EVENT_CONFLICT',
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  // dropped by the signer because our deadline passed: nothing was stored
  DEADLINE_EXCEEDED: 'SIGNER_TIMEOUT',
  BUSY: 'SIGNER_TIMEOUT',
  KEYLESS_NO_CERTIFICATE: 'SIGNER_UNAVAILABLE', // the message names the Fulcio or token failure
  NOT_AUTHENTIC: 'NOT_AUTHENTIC',
  AUTH_RATE_LIMITED: 'AUTH_RATE_LIMITED',
};

/**
 * Client of the sidecar signer's framed protocol (docs/signer.md): one frame with the
 * exact statement bytes, answered Signed only once signed AND stored. The answer is checked
 * against what we sent (same digest and event id) so the extensions never name another
 * event's record. (A repeated event id with the same body may come back as the first stored
 * record: the store keeps one record per event.)
 */
export class UdsEventSigner implements EventSigner {
  readonly #transport: FrameTransport;
  readonly #timeoutMs: number;

  constructor(socketPath: string, timeoutMs = DEFAULT_SIGNER_TIMEOUT_MS) {
    this.#transport = new FrameTransport(socketPath);
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Sends the statement (and the proof, when there is one) with the times we give up (answerBy)
   * and by which the signer must begin its durable write (beginBy): a SignWebhookBy frame, or
   * SignEventBy for an unverified `none` event. An answer we no longer wait for is thus never a
   * stored event: the signer drops the work once beginBy passed.
   */
  async signEvent(statement: EventStatement, opts: SignOptions = {}): Promise<SignedEvent> {
    const now = Date.now();
    const answerBy = Math.min(now + this.#timeoutMs, opts.deadline ?? Number.POSITIVE_INFINITY);
    const beginBy = answerBy - Math.ceil((answerBy - now) * COMMIT_GRACE_SHARE);
    if (beginBy <= now) throw interceptorError('SIGNER_TIMEOUT', 'no time is left to sign and store the event');
    const deadline = frameDeadline({ beginBy, answerBy });
    const [kind, payload] =
      opts.proof === undefined
        ? [FrameKind.SignEventBy, [deadline, statement.bytes]]
        : [FrameKind.SignWebhookBy, [deadline, ...encodeSignWebhook(opts.proof, statement.bytes)]];
    const frame = await this.#transport.exchange(kind, payload, answerBy - now).catch((err: unknown) => {
      throw transportError(err);
    });
    const answer = parseJson(frame.payload);
    if (frame.kind === FrameKind.Error) {
      const error = answer as { code?: unknown; message?: unknown } | undefined;
      const code = typeof error?.code === 'string' ? error.code : 'UNKNOWN';
      const message = typeof error?.message === 'string' ? error.message : 'no message';
      throw interceptorError(SIGNER_CODES[code] ?? 'SIGNER_REJECTED', `signer refused the event (${code}): ${message}`);
    }
    const signed = frame.kind === FrameKind.Signed ? (answer as Partial<SignedEvent> | undefined) : undefined;
    checkSigned(signed, statement);
    return { eventId: signed.eventId, digest: signed.digest, keyid: signed.keyid, signature: signed.signature, storedAt: signed.storedAt };
  }

  async healthy(): Promise<boolean> {
    try {
      return (await this.#transport.exchange(FrameKind.Ping, Buffer.alloc(0), 1_000)).kind === FrameKind.Pong;
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
  if (!ok) throw interceptorError('SIGNER_BAD_RESPONSE', 'signer answered with a summary that is not this event');
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function transportError(err: unknown) {
  if (err instanceof SignerTransportError) {
    return interceptorError(err.kind === 'timeout' ? 'SIGNER_TIMEOUT' : 'SIGNER_UNAVAILABLE', err.message, err);
  }
  return interceptorError('SIGNER_UNAVAILABLE', `signer call failed: ${String(err)}`, err);
}
