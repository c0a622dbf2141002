import type { IncomingMessage } from 'node:http';
import { admissionError } from '../errors.ts';

/**
 * An AdmissionReview carries the object and, on UPDATE, the old one: etcd's 1.5 MiB object
 * limit twice, JSON-escaped. 8 MiB covers it; more is REVIEW_TOO_LARGE.
 */
export const MAX_REVIEW_BYTES = 8 * 1024 * 1024;

/** The raw body of one POST, bounded; the rest of an oversized body is drained, not read into memory. */
export function readBody(req: IncomingMessage, limit = MAX_REVIEW_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      req.resume();
      reject(admissionError('REVIEW_TOO_LARGE', `the review is ${declared} bytes, over ${limit}`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(admissionError('REVIEW_TOO_LARGE', `the review is over ${limit} bytes`));
      } else chunks.push(chunk);
    });
    req.once('end', () => {
      if (!failed) resolve(Buffer.concat(chunks, size));
    });
    req.once('error', (err) => {
      if (!failed) reject(admissionError('MALFORMED_REVIEW', `the request failed: ${err.message}`));
      failed = true;
    });
  });
}
