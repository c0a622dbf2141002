import { createConnection, type Socket } from 'node:net';
import { CorkedWriter } from '../../signer/protocol/corked-writer.ts';
import { FrameReader, frameHeader, PREFACE, type Frame, type FrameKind } from '../../signer/protocol/frames.ts';

/** Transport failures, told apart so the client can name them (unreachable vs timed out). */
export class SignerTransportError extends Error {
  readonly kind: 'unreachable' | 'timeout' | 'broken';

  constructor(kind: 'unreachable' | 'timeout' | 'broken', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}

/** Largest signer answer we read: answers are summaries or errors, a few hundred bytes. */
const MAX_ANSWER_BYTES = 1024 * 1024;
/**
 * A connection with nothing in flight for this long is closed by us (and reopened on the next
 * request): shorter than the signer's idle timeout (60 s), so the signer never closes a
 * connection under a request we are about to send.
 */
export const CLIENT_IDLE_MS = 30_000;

interface Pending {
  resolve: (frame: Frame) => void;
  reject: (err: SignerTransportError) => void;
  timer: NodeJS.Timeout;
}

/**
 * One connection to the signer's Unix socket speaking the framed protocol
 * (signer/protocol/frames.ts): every request in flight shares it, answers are matched by id.
 * Connects on first use and again after the connection broke; a broken connection fails every
 * request in flight on it (the signer acknowledges only what it stored, so nothing
 * acknowledged is lost: those events are refused, and redelivery is the sender's choice).
 */
export class FrameTransport {
  readonly #socketPath: string;
  #conn: Connection | undefined;

  constructor(socketPath: string) {
    this.#socketPath = socketPath;
  }

  /**
   * Sends one request frame (its payload given whole or in parts, written uncopied) and
   * resolves with its answer frame, or rejects within `timeoutMs`.
   */
  exchange(kind: FrameKind, payload: Buffer | readonly Buffer[], timeoutMs: number): Promise<Frame> {
    if (this.#conn === undefined || this.#conn.broken) this.#conn = new Connection(this.#socketPath);
    return this.#conn.request(kind, payload, timeoutMs);
  }

  close(): void {
    this.#conn?.destroy(new SignerTransportError('broken', 'signer client closed'));
    this.#conn = undefined;
  }
}

class Connection {
  readonly #socketPath: string;
  readonly #socket: Socket;
  readonly #out: CorkedWriter;
  readonly #reader = new FrameReader(MAX_ANSWER_BYTES);
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #connected = false;
  #idle: NodeJS.Timeout | undefined;
  broken = false;

  constructor(socketPath: string) {
    this.#socketPath = socketPath;
    this.#socket = createConnection(socketPath);
    this.#out = new CorkedWriter(this.#socket);
    this.#out.write(PREFACE);
    this.#socket.once('connect', () => {
      this.#connected = true;
    });
    this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#socket.on('error', (err) => this.destroy(this.#describe(err)));
    this.#socket.on('close', () => this.destroy(new SignerTransportError('broken', 'signer closed the connection')));
  }

  request(kind: FrameKind, payload: Buffer | readonly Buffer[], timeoutMs: number): Promise<Frame> {
    const id = this.#nextId;
    this.#nextId = this.#nextId === 0xffffffff ? 1 : this.#nextId + 1;
    const parts = Buffer.isBuffer(payload) ? [payload] : payload;
    const length = parts.reduce((n, p) => n + p.length, 0);
    clearTimeout(this.#idle);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        this.#armIdle();
        reject(new SignerTransportError('timeout', `no answer from the signer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#out.write(frameHeader(kind, id, length), ...parts);
    });
  }

  /** Nothing in flight: close after CLIENT_IDLE_MS unless a request comes first. */
  #armIdle(): void {
    if (this.#pending.size > 0 || this.broken) return;
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => this.destroy(new SignerTransportError('broken', 'idle connection closed')), CLIENT_IDLE_MS);
    this.#idle.unref();
  }

  /** Fails every request in flight with `err` and closes the socket (idempotent). */
  destroy(err: SignerTransportError): void {
    clearTimeout(this.#idle);
    if (!this.broken) {
      this.broken = true;
      this.#socket.destroy();
    }
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      this.#pending.delete(id);
      p.reject(err);
    }
  }

  #onData(chunk: Buffer): void {
    let frames: Frame[];
    try {
      frames = this.#reader.push(chunk);
    } catch (err) {
      this.destroy(new SignerTransportError('broken', `signer answer is unreadable: ${(err as Error).message}`));
      return;
    }
    for (const frame of frames) {
      const p = this.#pending.get(frame.id);
      if (p === undefined) continue; // timed out already
      this.#pending.delete(frame.id);
      clearTimeout(p.timer);
      p.resolve(frame);
    }
    this.#armIdle();
  }

  #describe(err: NodeJS.ErrnoException): SignerTransportError {
    const code = err.code;
    const unreachable = !this.#connected && (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES');
    return new SignerTransportError(
      unreachable ? 'unreachable' : 'broken',
      unreachable ? `signer socket ${this.#socketPath} is not reachable (${code})` : `signer connection failed: ${err.message}`,
      { cause: err },
    );
  }
}
