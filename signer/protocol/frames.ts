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

  constructor(maxPayloadBytes: number) {
    this.#maxPayload = maxPayloadBytes;
  }

  /** Adds a chunk and returns the frames it completed; throws FrameTooLargeError or MalformedFrameError. */
  push(chunk: Buffer): Frame[] {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const frames: Frame[] = [];
    while (this.#buffered >= FRAME_HEADER_BYTES) {
      const head = this.#peek(FRAME_HEADER_BYTES);
      const length = head.readUInt32BE(0);
      const id = head.readUInt32BE(5);
      if (length < 5) throw new MalformedFrameError(`frame length ${length} is shorter than its kind and id (5 bytes)`);
      if (length - 5 > this.#maxPayload) throw new FrameTooLargeError(length - 5, this.#maxPayload, id);
      if (this.#buffered < 4 + length) break;
      const frame = this.#take(4 + length);
      frames.push({ kind: frame[4]!, id, payload: frame.subarray(FRAME_HEADER_BYTES) });
    }
    return frames;
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
