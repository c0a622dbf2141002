import type { IncomingMessage, ServerResponse } from 'node:http';
import { isProvenanceError } from '../errors.ts';

/** Error codes on the signing socket (the contract with the interceptor's client). */
export type SignerApiErrorCode =
  | 'INVALID_EVENT_RECORD'
  | 'EVENT_CONFLICT'
  | 'EVENT_TOO_LARGE'
  | 'NOT_AUTHENTIC'
  | 'AUTH_RATE_LIMITED'
  | 'STORE_UNAVAILABLE'
  | 'STORE_CORRUPT'
  | 'DEADLINE_EXCEEDED'
  | 'BUSY'
  | 'KEYLESS_NO_CERTIFICATE'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'INTERNAL';

/** HTTP status per code; anything unknown is a 500 INTERNAL. */
const STATUS: Record<SignerApiErrorCode, number> = {
  INVALID_EVENT_RECORD: 400,
  EVENT_CONFLICT: 409,
  EVENT_TOO_LARGE: 413,
  NOT_AUTHENTIC: 403,
  AUTH_RATE_LIMITED: 429,
  STORE_UNAVAILABLE: 503,
  STORE_CORRUPT: 503,
  DEADLINE_EXCEEDED: 503,
  BUSY: 503,
  KEYLESS_NO_CERTIFICATE: 503, // keyless: no valid certificate cached and Fulcio gave none (cert-cache.ts)
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  INTERNAL: 500,
};

export class ApiError extends Error {
  readonly code: SignerApiErrorCode;
  constructor(code: SignerApiErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Maps a thrown error to the wire error; messages of unexpected errors are not exposed. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (isProvenanceError(err) && err.code in STATUS)
    return new ApiError(err.code as SignerApiErrorCode, err.message);
  // DSSE/base64 codes and the like raised while reading the request are the caller's fault.
  if (isProvenanceError(err) && /^MALFORMED|^TRUNCATED/.test(err.code)) {
    return new ApiError('INVALID_EVENT_RECORD', err.message);
  }
  return new ApiError('INTERNAL', 'internal signer error');
}

/** Reads the whole body, refusing (and draining no further than) `max` bytes. */
export async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    throw new ApiError('EVENT_TOO_LARGE', `request body is ${declared} bytes, over the ${max} byte limit`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new ApiError('EVENT_TOO_LARGE', `request body is over the ${max} byte limit`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

export function sendJson(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  sendJson(res, STATUS[err.code], JSON.stringify({ error: { code: err.code, message: err.message } }));
}
