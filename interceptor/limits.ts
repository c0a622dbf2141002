/**
 * The interceptor's load and connection bounds (docs/security.md, "Limits and integrity").
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

export interface ServerLimits {
  /** Request headers must arrive within this (Node: server.headersTimeout). */
  headersTimeoutMs: number;
  /** The whole request, headers and body, must arrive within this (server.requestTimeout). */
  requestTimeoutMs: number;
  /** A TLS handshake must finish within this (tls handshakeTimeout). */
  handshakeTimeoutMs: number;
  /**
   * An idle keep-alive connection is closed after this. Longer than Go's IdleConnTimeout
   * (90 s): the server must not close a connection the EventListener is about to reuse,
   * because the EL never retries. Bounded anyway, and counted in maxConnections.
   */
  keepAliveTimeoutMs: number;
  /** Open connections at most; more are dropped at accept (server.maxConnections). */
  maxConnections: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  handshakeTimeoutMs: 10_000,
  keepAliveTimeoutMs: 95_000,
  maxConnections: 512,
};
