import type { Socket } from 'node:net';
import { decodeSignWebhook } from '../authenticity/proof.ts';
import type { EventStore } from '../events/event-store.ts';
import { CorkedWriter } from '../protocol/corked-writer.ts';
import { encodeFrame, FrameKind, FrameReader, FrameTooLargeError, splitDeadline, type Frame } from '../protocol/frames.ts';
import { ApiError, toApiError } from './http.ts';
import type { Logger } from './logger.ts';
import { summaryOf } from './post-event.ts';
import type { EventSigningService } from './sign-and-store.ts';

export interface FrameServerDeps {
  service: EventSigningService;
  store: EventStore;
  log: Logger;
  maxRequestBytes: number;
  /** A connection with nothing in flight and nothing received for this long is closed. */
  idleMs: number;
}

export interface FramedConnection {
  /** Reads no more frames, answers those in flight, then ends the connection (graceful stop). */
  drain(): void;
}

/**
 * Serves one framed connection (signer/protocol/frames.ts; the preface is already read):
 * every SignEvent frame goes through the same service as `POST /v1/events`, and is answered
 * Signed only once the store resolved (durable). Answers completed in the same tick are
 * corked into one write.
 */
export function serveFrames(socket: Socket, rest: Buffer, deps: FrameServerDeps): FramedConnection {
  const reader = new FrameReader(deps.maxRequestBytes);
  const out = new CorkedWriter(socket);
  let inFlight = 0;
  let draining = false;
  const endIfDrained = () => {
    if (!draining || inFlight > 0) return;
    socket.end();
    // A peer that never closes its side must not hold the signer's shutdown open.
    setTimeout(() => socket.destroy(), 5_000).unref();
  };
  const onData = (chunk: Buffer) => {
    let frames: Frame[];
    try {
      frames = reader.push(chunk);
    } catch (err) {
      // After a bad length the stream has no trustworthy frame boundary: answer and hang up.
      const refused =
        err instanceof FrameTooLargeError
          ? new ApiError('EVENT_TOO_LARGE', err.message)
          : new ApiError('INVALID_EVENT_RECORD', `unreadable frame: ${(err as Error).message}`);
      deps.log.info('request refused', { protocol: 'frames', code: refused.code, reason: refused.message });
      out.write(errorFrame(err instanceof FrameTooLargeError ? err.id : 0, refused));
      socket.off('data', onData);
      socket.end();
      return;
    }
    for (const frame of frames) {
      inFlight++;
      void answer(frame, deps).then((bytes) => {
        out.write(bytes);
        inFlight--;
        endIfDrained();
      });
    }
  };
  socket.on('data', onData);
  socket.on('error', () => undefined); // a client that went away: its answers are dropped
  // A peer that sent the preface (or half a frame) and then nothing holds a socket and a
  // reader for nothing. Our own work in flight is never cut: only a silent, idle peer is.
  socket.setTimeout(deps.idleMs, () => {
    if (inFlight === 0) socket.destroy();
  });
  if (rest.length > 0) onData(rest);
  return {
    drain: () => {
      draining = true;
      socket.off('data', onData);
      socket.pause();
      endIfDrained();
    },
  };
}

async function answer(frame: Frame, deps: FrameServerDeps): Promise<Buffer> {
  try {
    switch (frame.kind) {
      case FrameKind.SignEvent: {
        const { record, created } = await deps.service.signAndStore(frame.payload);
        return encodeFrame(FrameKind.Signed, frame.id, Buffer.from(JSON.stringify(summaryOf(record, created))));
      }
      case FrameKind.SignWebhook: {
        const { proof, statement } = decodeSignWebhook(frame.payload);
        const { record, created } = await deps.service.signAndStore(statement, { proof });
        return encodeFrame(FrameKind.Signed, frame.id, Buffer.from(JSON.stringify(summaryOf(record, created))));
      }
      case FrameKind.SignEventBy: {
        const { deadline, rest } = deadlineOf(frame.payload);
        const { record, created } = await deps.service.signAndStore(rest, { deadline });
        return encodeFrame(FrameKind.Signed, frame.id, Buffer.from(JSON.stringify(summaryOf(record, created))));
      }
      case FrameKind.SignWebhookBy: {
        const { deadline, rest } = deadlineOf(frame.payload);
        const { proof, statement } = decodeSignWebhook(rest);
        const { record, created } = await deps.service.signAndStore(statement, { proof, deadline });
        return encodeFrame(FrameKind.Signed, frame.id, Buffer.from(JSON.stringify(summaryOf(record, created))));
      }
      case FrameKind.Ping:
        await deps.store.ping?.();
        return encodeFrame(FrameKind.Pong, frame.id, Buffer.from('{"status":"ok"}'));
      default:
        throw new ApiError('NOT_FOUND', `unknown frame kind 0x${frame.kind.toString(16)}`);
    }
  } catch (err) {
    const apiErr = toApiError(err);
    if (apiErr.code === 'INTERNAL' || apiErr.code === 'STORE_UNAVAILABLE' || apiErr.code === 'STORE_CORRUPT') {
      deps.log.error('request failed', { protocol: 'frames', code: apiErr.code, cause: describe(err) });
    } else {
      deps.log.info('request refused', { protocol: 'frames', code: apiErr.code, reason: apiErr.message });
    }
    return errorFrame(frame.id, apiErr);
  }
}

/** The deadline of a SignEventBy/SignWebhookBy frame; too short a payload is the caller's error. */
function deadlineOf(payload: Buffer): ReturnType<typeof splitDeadline> {
  try {
    return splitDeadline(payload);
  } catch (err) {
    throw new ApiError('INVALID_EVENT_RECORD', (err as Error).message);
  }
}

function errorFrame(id: number, err: ApiError): Buffer {
  return encodeFrame(FrameKind.Error, id, Buffer.from(JSON.stringify({ code: err.code, message: err.message })));
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
