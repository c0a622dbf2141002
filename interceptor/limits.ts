/**
 * The interceptor's load bounds (docs/security.md, "Limits and integrity"); its HTTPS
 * connection bounds are shared with the admission webhook (signer/https/limits.ts).
 * Production uses these defaults; tests shorten the timeouts through InterceptorOptions.
 */
export interface LoadLimits {
  /**
   * InterceptorRequest bytes worked on at once (ByteBudget). A request costs a few times its
   * size (raw bytes, decoded text, body string, body bytes, statement); 40 MiB admits one
   * 25 MiB webhook (about 28 MiB escaped) beside any number of small ones, and keeps the
   * container under its 512 MiB limit with the heap capped at 256 MiB (manifests).
   */
  inFlightBytes: number;
  /** Request bytes allowed to wait for the budget; past it a request is refused at once (INTERCEPTOR_BUSY). */
  maxQueuedBytes: number;
  /** Longest a request waits for the budget before it is refused (INTERCEPTOR_BUSY). */
  maxQueueWaitMs: number;
  /**
   * Every request is answered within this of its arrival (the EventListener waits 10 s for the
   * answer, then drops the trigger): the signer call ends by then, and the signer is told.
   */
  requestBudgetMs: number;
}

export const DEFAULT_LOAD_LIMITS: LoadLimits = {
  inFlightBytes: 40 * 1024 * 1024,
  maxQueuedBytes: 256 * 1024 * 1024,
  maxQueueWaitMs: 3_000,
  requestBudgetMs: 9_000,
};
