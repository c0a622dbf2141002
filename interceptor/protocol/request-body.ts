import type { IncomingMessage } from 'node:http';
import { interceptorError, type InterceptorError } from '../errors.ts';

/**
 * Reads the raw InterceptorRequest bytes of one POST, bounded by `limit`. A purpose-built
 * stand-in for `express.raw({ type: () => true, limit, inflate: false })` with the same
 * outcomes (every failure is answered 400 by the app):
 * - a declared or received size over `limit`: REQUEST_TOO_LARGE;
 * - a Content-Encoding other than identity (nothing is inflated), fewer bytes than the
 *   declared Content-Length, an aborted or failed stream: MALFORMED_REQUEST with the same
 *   text express reported ("unusable request: ...").
 * On failure the rest of the request is read and discarded before the promise rejects, so
 * the client, still sending, gets the answer instead of a reset connection.
 */
export function readRequestBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const refused = precheck(req, limit);
  if (refused !== undefined) return discardThenReject(req, refused);
  // A large declared body is read straight into one buffer of its size (what the byte budget
  // charged): no list of chunks joined at the end, which held it twice at the peak.
  const declared = declaredLength(req);
  const whole = declared !== undefined && declared > PREALLOCATE_FROM ? Buffer.allocUnsafe(declared) : undefined;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (err: InterceptorError | undefined) => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onAborted);
      if (err === undefined) resolve(whole ?? (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received)));
      else discardThenReject(req, err).catch(reject);
    };
    const onData = (chunk: Buffer) => {
      if (received + chunk.length > limit) return finish(tooLarge(limit));
      if (whole === undefined) chunks.push(chunk);
      else if (received + chunk.length > whole.length) return finish(unusable('request size did not match content length'));
      else chunk.copy(whole, received);
      received += chunk.length;
    };
    const onEnd = () => {
      const declared = declaredLength(req);
      finish(declared !== undefined && declared !== received ? unusable('request size did not match content length') : undefined);
    };
    const onError = (err: Error) => finish(unusable(err.message));
    const onAborted = () => finish(unusable('request aborted'));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onAborted);
  });
}

/** Declared bodies above this are read into one preallocated buffer. */
const PREALLOCATE_FROM = 64 * 1024;

/** What can be refused from the headers alone, before reading anything. */
function precheck(req: IncomingMessage, limit: number): InterceptorError | undefined {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity') return unusable('content encoding unsupported');
  const declared = declaredLength(req);
  if (declared !== undefined && declared > limit) return tooLarge(limit);
  return undefined;
}

function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  if (header === undefined) return undefined;
  const length = Number.parseInt(header, 10);
  return Number.isNaN(length) ? undefined : length;
}

/** Reads off whatever is left of the request (discarding it), then rejects with `err`. */
function discardThenReject(req: IncomingMessage, err: InterceptorError): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (req.readableEnded || req.destroyed) return reject(err);
    const done = () => reject(err);
    req.once('end', done).once('close', done).once('error', done);
    req.resume();
  });
}

function tooLarge(limit: number): InterceptorError {
  return interceptorError('REQUEST_TOO_LARGE', `InterceptorRequest is over the ${limit} byte limit`);
}

function unusable(reason: string): InterceptorError {
  return interceptorError('MALFORMED_REQUEST', `unusable request: ${reason}`);
}

/** Reads off and discards a request nobody will read (refused before reading): the client, still sending, then gets the answer. */
export function discardRequestBody(req: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    if (req.readableEnded || req.destroyed) return resolve();
    const done = () => resolve();
    req.once('end', done).once('close', done).once('error', done);
    req.resume();
  });
}
