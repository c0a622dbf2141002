/**
 * Slow-client and connection bounds of our HTTPS servers (the interceptor, the admission
 * webhook; docs/security.md, "Limits and integrity"). Production uses these defaults; tests
 * shorten the timeouts through each component's options.
 */
export interface ServerLimits {
  /** Request headers must arrive within this (Node: server.headersTimeout). */
  headersTimeoutMs: number;
  /** The whole request, headers and body, must arrive within this (server.requestTimeout). */
  requestTimeoutMs: number;
  /** A TLS handshake must finish within this (tls handshakeTimeout). */
  handshakeTimeoutMs: number;
  /**
   * An idle keep-alive connection is closed after this. Longer than Go's IdleConnTimeout
   * (90 s): the server must not close a connection our Go client (the EventListener, the API
   * server) is about to reuse, because the EL never retries. Bounded anyway, and counted in
   * maxConnections.
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
