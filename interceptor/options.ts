import type { Logger } from './observe/logger.ts';
import type { ServerLimits } from '../signer/https/limits.ts';
import type { LoadLimits } from './limits.ts';
import type { BodyLimits } from './protocol/body.ts';

export const SIGNER_SOCKET_ENV = 'TEKTON_PROVENANCE_SIGNER_SOCKET';
export const DEFAULT_PORT = 8443;
export const DEFAULT_SERVICE_NAME = 'tekton-provenance-interceptor';
export const DEFAULT_NAMESPACE = 'tekton-provenance';
export const DEFAULT_TLS_SECRET = 'tekton-provenance-interceptor-tls';

/**
 * Where the serving cert comes from:
 * - `pem`: explicit PEMs (static, no rotation);
 * - `directory`: generated and kept in a local directory (no-cluster mode, `serve`);
 * - `files`: a serving cert and key someone else keeps in `dir` (in a cluster: the signer,
 *   which holds the CA in a Secret and patches the caBundle; the interceptor has no API
 *   identity), re-read when they change.
 */
export type InterceptorTlsOptions =
  | { kind: 'pem'; cert: string; key: string }
  | { kind: 'directory'; dir: string; extraDnsNames?: string[]; ipAddresses?: string[]; checkIntervalMs?: number }
  | { kind: 'files'; dir: string; checkIntervalMs?: number; waitMs?: number };

/** Names the serving cert is made for (the Service's DNS names). */
export interface InterceptorKubeOptions {
  /** Namespace of our Service. */
  namespace: string;
  serviceName?: string;
}

export interface InterceptorOptions {
  /** Default 0.0.0.0 in a cluster; tests use 127.0.0.1. */
  host?: string;
  /** Default 8443; 0 picks a free port. */
  port?: number;
  /** Default $TEKTON_PROVENANCE_SIGNER_SOCKET, else /var/run/tekton-provenance/signer.sock. */
  signerSocket?: string;
  signerTimeoutMs?: number;
  tls: InterceptorTlsOptions;
  kube?: InterceptorKubeOptions;
  logger?: Logger;
  limits?: BodyLimits;
  /** Byte budget, queue and per-request time (defaults: DEFAULT_LOAD_LIMITS). */
  load?: Partial<LoadLimits>;
  /** HTTPS timeouts and connection cap (defaults: DEFAULT_SERVER_LIMITS). */
  server?: Partial<ServerLimits>;
  /** Longest a graceful close waits for in-flight requests before cutting connections. */
  shutdownGraceMs?: number;
}
