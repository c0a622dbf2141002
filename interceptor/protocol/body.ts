import { interceptorError } from '../errors.ts';
import { exceedsJsonDepth } from './json-depth.ts';

/** GitHub's maximum webhook payload: 25 MiB. */
export const MAX_BODY_BYTES = 25 * 1024 * 1024;
/** Deepest JSON nesting accepted in a webhook body (real payloads stay under ~12). */
export const MAX_BODY_DEPTH = 64;

export interface BodyLimits {
  maxBytes: number;
  maxDepth: number;
}

export const DEFAULT_BODY_LIMITS: BodyLimits = { maxBytes: MAX_BODY_BYTES, maxDepth: MAX_BODY_DEPTH };

/**
 * Checks the webhook body before anything is signed and returns its exact UTF-8 bytes (whose
 * sha256 is the event digest). Order: size, well-formed UTF-16 (a lone surrogate has no
 * UTF-8 encoding, so its digest would not be the sender's), depth, then JSON.
 */
export function checkWebhookBody(body: string, limits: BodyLimits = DEFAULT_BODY_LIMITS): Buffer {
  // Each UTF-16 unit is at most 3 UTF-8 bytes: skip the exact count when clearly small.
  if (body.length * 3 > limits.maxBytes && Buffer.byteLength(body, 'utf8') > limits.maxBytes) {
    throw interceptorError('BODY_TOO_LARGE', `webhook body is over the ${limits.maxBytes} byte limit`);
  }
  if (!body.isWellFormed()) {
    throw interceptorError('BODY_NOT_WELL_FORMED', 'webhook body is not valid UTF-8 text (it holds a lone surrogate)');
  }
  if (exceedsJsonDepth(body, limits.maxDepth)) {
    throw interceptorError('BODY_TOO_DEEP', `webhook body nests JSON deeper than ${limits.maxDepth} levels`);
  }
  try {
    JSON.parse(body);
  } catch (err) {
    throw interceptorError('BODY_NOT_JSON', `webhook body is not JSON: ${(err as Error).message}`);
  }
  return Buffer.from(body, 'utf8');
}
