import { Agent, request } from 'node:http';

export interface UdsResponse {
  status: number;
  body: Buffer;
}

/** Transport failures, told apart so the client can name them (unreachable vs timed out). */
export class UdsTransportError extends Error {
  readonly kind: 'unreachable' | 'timeout' | 'broken';

  constructor(kind: 'unreachable' | 'timeout' | 'broken', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}

/** Largest signer answer we read: answers are summaries or errors, a few hundred bytes. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/** A request body: bytes sent as they are, with their content type. */
export interface UdsBody {
  type: string;
  bytes: Buffer;
}

/**
 * HTTP/1.1 over a Unix domain socket with keep-alive and a whole-exchange deadline. Raw
 * transport only: it knows nothing of the signer's API.
 */
export class UdsTransport {
  readonly #socketPath: string;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 64 });

  constructor(socketPath: string) {
    this.#socketPath = socketPath;
  }

  /** One request/answer on a kept-alive connection; `body` bytes are written without a copy. */
  exchange(method: string, path: string, body: UdsBody | undefined, timeoutMs: number): Promise<UdsResponse> {
    return new Promise((resolve, reject) => {
      const req = request({
        socketPath: this.#socketPath,
        agent: this.#agent,
        method,
        path,
        headers: body ? { 'content-type': body.type, 'content-length': body.bytes.length } : {},
      });
      const timer = setTimeout(() => {
        req.destroy(new UdsTransportError('timeout', `no answer from the signer within ${timeoutMs} ms`));
      }, timeoutMs);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) req.destroy(new UdsTransportError('broken', 'signer answer is too large'));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) });
        });
        res.on('error', () => undefined); // reported through req's error
      });
      req.on('error', (err) => {
        clearTimeout(timer);
        if (err instanceof UdsTransportError) return reject(err);
        const code = (err as NodeJS.ErrnoException).code;
        const unreachable = code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES';
        reject(
          new UdsTransportError(
            unreachable ? 'unreachable' : 'broken',
            unreachable
              ? `signer socket ${this.#socketPath} is not reachable (${code})`
              : `signer connection failed: ${err.message}`,
            { cause: err },
          ),
        );
      });
      req.end(body?.bytes);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
