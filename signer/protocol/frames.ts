/**
 * The signing socket's framed protocol: what the interceptor speaks to the signer for every
 * event (docs/signer.md, "Framed protocol"). HTTP/1.1 stays available on the same socket for
 * tools; the interceptor uses frames because a Node HTTP client + server round trip cost more
 * CPU per event than everything else the interceptor does (measured in bench/interceptor.ts).
 *
 *   connection: client sends PREFACE once (a NUL byte first: no HTTP request starts with one)
 *   frame:      u32 BE length of the rest | u8 kind | u32 BE request id | payload
 *
 * Requests on one connection are answered in any order (matched by id), so the signer's group
 * commit batches every event in flight, and answers ready in the same tick share one write.
 */

export const PREFACE = Buffer.from('\0tpsign1', 'latin1');

/** Frame kinds: requests (client -> signer) have the high bit clear, answers have it set. */
export const FrameKind = {
  /** payload: the exact statement bytes to validate, sign and store (only an unverified one: no proof). */
  SignEvent: 0x01,
  /** payload: empty. Answered Pong when the store can serve. */
  Ping: 0x02,
  /** payload: u32 BE proof length | authenticity proof JSON | statement bytes (signer/authenticity/proof.ts). */
  SignWebhook: 0x03,
  /**
   * payload: a FrameDeadline (16 bytes, frameDeadline below) followed by exactly what a
   * SignEvent frame carries. The deadline frames the request; it does not change what the
   * payload means. Work whose deadline passed is dropped, never stored.
   */
  SignEventBy: 0x04,
  /** payload: a FrameDeadline followed by exactly what a SignWebhook frame carries. */
  SignWebhookBy: 0x05,
  /** payload: JSON SignedEventSummary (only once the record is durable). */
  Signed: 0x81,
  /** payload: JSON {"code", "message"}: the same codes as the HTTP API's errors. */
  Error: 0x82,
  /** payload: JSON {"status": "ok"}. */
  Pong: 0x83,
} as const;

export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

export interface Frame {
  kind: number;
  id: number;
  payload: Buffer;
}

/** Bytes before the payload: length (4) + kind (1) + id (4). */
export const FRAME_HEADER_BYTES = 9;

/** The 9 header bytes of a frame; written followed by the payload, uncopied. */
export function frameHeader(kind: FrameKind, id: number, payloadBytes: number): Buffer {
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  header.writeUInt32BE(payloadBytes + 5, 0);
  header.writeUInt8(kind, 4);
  header.writeUInt32BE(id >>> 0, 5);
  return header;
}

/** A frame as one buffer (small frames: answers, pings). */
export function encodeFrame(kind: FrameKind, id: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([frameHeader(kind, id, payload.length), payload]);
}

/**
 * When the client gives up on a request, as ms since the epoch on the pod's clock (both
 * containers share the node's kernel clock, so no transit time is lost or gained):
 * - `beginBy`: the signer begins no durable write for it at or after this time;
 * - `answerBy`: the client reports the request refused at this time (after `beginBy`: the
 *   gap is what a commit begun just in time may take and still be answered).
 */
export interface FrameDeadline {
  beginBy: number;
  answerBy: number;
}

export const DEADLINE_BYTES = 16;

/** The 16 bytes that start a SignEventBy or SignWebhookBy payload: beginBy, answerBy as u64 BE. */
export function frameDeadline(d: FrameDeadline): Buffer {
  const out = Buffer.allocUnsafe(DEADLINE_BYTES);
  out.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(d.beginBy))), 0);
  out.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(d.answerBy))), 8);
  return out;
}

/** Splits a SignEventBy/SignWebhookBy payload into its deadline and the inner payload (a view, not a copy). */
export function splitDeadline(payload: Buffer): { deadline: FrameDeadline; rest: Buffer } {
  if (payload.length < DEADLINE_BYTES) throw new MalformedFrameError(`deadline-framed payload of ${payload.length} bytes holds no deadline`);
  return {
    deadline: { beginBy: Number(payload.readBigUInt64BE(0)), answerBy: Number(payload.readBigUInt64BE(8)) },
    rest: payload.subarray(DEADLINE_BYTES),
  };
}

/** Frames larger than this are assembled in one buffer as they arrive (FrameReader#assemble). */
const ASSEMBLE_FROM = 64 * 1024;

function frameOf(frame: Buffer): Frame {
  return { kind: frame[4]!, id: frame.readUInt32BE(5), payload: frame.subarray(FRAME_HEADER_BYTES) };
}

/** A frame whose declared length is over the reader's limit (the stream cannot be trusted after it). */
export class FrameTooLargeError extends Error {
  readonly declaredBytes: number;
  readonly id: number;
  constructor(declaredBytes: number, max: number, id: number) {
    super(`frame of ${declaredBytes} bytes is over the ${max} byte limit`);
    this.declaredBytes = declaredBytes;
    this.id = id;
  }
}

/** A frame too short to hold its kind and id: the stream is not this protocol. */
export class MalformedFrameError extends Error {}

/**
 * Cuts a byte stream into frames. Chunks are kept as they arrive and joined once per frame
 * (a 30 MiB statement arrives in hundreds of chunks: no quadratic re-copying); a frame that
 * sits inside one chunk is a view of it, not a copy.
 */
export class FrameReader {
  readonly #maxPayload: number;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #assembling: { frame: Buffer; filled: number } | undefined;

  constructor(maxPayloadBytes: number) {
    this.#maxPayload = maxPayloadBytes;
  }

  /** Adds a chunk and returns the frames it completed; throws FrameTooLargeError or MalformedFrameError. */
  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    const a = this.#assembling;
    if (a !== undefined) {
      const n = Math.min(chunk.length, a.frame.length - a.filled);
      chunk.copy(a.frame, a.filled, 0, n);
      a.filled += n;
      if (a.filled < a.frame.length) return frames;
      this.#assembling = undefined;
      frames.push(frameOf(a.frame));
      chunk = chunk.subarray(n);
      if (chunk.length === 0) return frames;
    }
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    while (this.#buffered >= FRAME_HEADER_BYTES) {
      const head = this.#peek(FRAME_HEADER_BYTES);
      const length = head.readUInt32BE(0);
      const id = head.readUInt32BE(5);
      if (length < 5) throw new MalformedFrameError(`frame length ${length} is shorter than its kind and id (5 bytes)`);
      if (length - 5 > this.#maxPayload) throw new FrameTooLargeError(length - 5, this.#maxPayload, id);
      if (this.#buffered < 4 + length) {
        if (4 + length > ASSEMBLE_FROM) this.#assemble(4 + length);
        break;
      }
      frames.push(frameOf(this.#take(4 + length)));
    }
    return frames;
  }

  /**
   * A large frame still arriving: its bytes go straight into one buffer of its size from now
   * on, instead of a list of chunks joined at the end (which held the frame twice at the peak:
   * 2 x 28 MiB for a 25 MiB webhook's statement).
   */
  #assemble(size: number): void {
    const frame = Buffer.allocUnsafe(size);
    let filled = 0;
    for (const c of this.#chunks) filled += c.copy(frame, filled);
    this.#chunks = [];
    this.#buffered = 0;
    this.#assembling = { frame, filled };
  }

  /** The first n buffered bytes (n <= buffered), copied only when they span chunks. */
  #peek(n: number): Buffer {
    const first = this.#chunks[0]!;
    if (first.length >= n) return first;
    const joined = Buffer.concat(this.#chunks);
    this.#chunks = [joined];
    return joined;
  }

  /** Removes and returns the first n buffered bytes (n <= buffered). */
  #take(n: number): Buffer {
    let first = this.#chunks[0]!;
    if (first.length < n) {
      first = Buffer.concat(this.#chunks, this.#buffered);
      this.#chunks = [first];
    }
    const out = first.subarray(0, n);
    if (first.length === n) this.#chunks.shift();
    else this.#chunks[0] = first.subarray(n);
    this.#buffered -= n;
    return out;
  }
}
