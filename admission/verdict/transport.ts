import type { TransportOptions } from '../../signer/storage/oci/transport.ts';

/**
 * Registry calls of one review: one retry, and a per-request timeout of a third of the
 * budget (at most 3 s), so a dead registry is a denial with its reason well before the deadline.
 */
export function reviewTransport(timeoutMs: number): TransportOptions {
  return { retries: 1, backoffMs: 100, timeoutMs: Math.min(3000, Math.max(200, Math.floor(timeoutMs / 3))), maxBytes: 8 * 1024 * 1024 };
}
