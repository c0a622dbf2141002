import { interceptorError } from '../errors.ts';
import { checkStrictJson, describeJsonProblem, type JsonProblem } from '../../signer/limits/strict-json.ts';

/** GitHub's maximum webhook payload: 25 MiB. */
export const MAX_BODY_BYTES = 25 * 1024 * 1024;
/** Deepest JSON nesting accepted in a webhook body (real payloads stay under ~12). */
export const MAX_BODY_DEPTH = 64;

/** Most members in one JSON object of a webhook body (real payloads stay under a few hundred). */
export const MAX_BODY_MEMBERS = 10_000;

export interface BodyLimits {
  maxBytes: number;
  maxDepth: number;
  maxMembers?: number;
}

export const DEFAULT_BODY_LIMITS: BodyLimits = { maxBytes: MAX_BODY_BYTES, maxDepth: MAX_BODY_DEPTH, maxMembers: MAX_BODY_MEMBERS };

/**
 * Checks the webhook body before anything is signed and returns its exact UTF-8 bytes (whose
 * sha256 is the event digest). Order: size, well-formed UTF-16 (a lone surrogate has no
 * UTF-8 encoding, so its digest would not be the sender's), then strict JSON in one pass
 * that builds nothing (signer/limits/strict-json.ts): syntax, depth, duplicate member names,
 * members per object, escaped lone surrogates.
 */
export function checkWebhookBody(body: string, limits: BodyLimits = DEFAULT_BODY_LIMITS): Buffer {
  // Each UTF-16 unit is at most 3 UTF-8 bytes: skip the exact count when clearly small.
  if (body.length * 3 > limits.maxBytes && Buffer.byteLength(body, 'utf8') > limits.maxBytes) {
    throw interceptorError('BODY_TOO_LARGE', `webhook body is over the ${limits.maxBytes} byte limit`);
  }
  if (!body.isWellFormed()) {
    throw interceptorError('BODY_NOT_WELL_FORMED', 'webhook body is not valid UTF-8 text (it holds a lone surrogate)');
  }
  const problem = checkStrictJson(body, { maxDepth: limits.maxDepth, maxMembers: limits.maxMembers ?? MAX_BODY_MEMBERS });
  if (problem !== undefined) throw bodyError(problem, limits);
  return Buffer.from(body, 'utf8');
}

function bodyError(p: JsonProblem, limits: BodyLimits) {
  switch (p.kind) {
    case 'depth':
      return interceptorError('BODY_TOO_DEEP', `webhook body nests JSON deeper than ${limits.maxDepth} levels`);
    case 'duplicate-key':
      return interceptorError('BODY_DUPLICATE_KEY', `webhook body is not strict JSON: ${describeJsonProblem(p)}`);
    case 'too-many-members':
      return interceptorError('BODY_TOO_WIDE', `webhook body has an object of more than ${limits.maxMembers ?? MAX_BODY_MEMBERS} members`);
    case 'lone-surrogate':
      return interceptorError('BODY_NOT_WELL_FORMED', `webhook body is not valid Unicode text: ${describeJsonProblem(p)}`);
    case 'too-many-values':
    case 'syntax':
      return interceptorError('BODY_NOT_JSON', `webhook body is not JSON: ${describeJsonProblem(p)}`);
  }
}
