import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from './observe/logger.ts';
import type { LoadLimits, ServerLimits } from './limits.ts';
import type { BodyLimits } from './protocol/body.ts';
import type { SecretResolver } from './secrets/resolver.ts';

export const SIGNER_SOCKET_ENV = 'TEKTON_PROVENANCE_SIGNER_SOCKET';
export const DEFAULT_PORT = 8443;
export const DEFAULT_SERVICE_NAME = 'tekton-provenance-interceptor';
export const DEFAULT_NAMESPACE = 'tekton-provenance';
export const DEFAULT_TLS_SECRET = 'tekton-provenance-interceptor-tls';

/**
 * Where the serving cert comes from:
 * - `pem`: explicit PEMs (static, no rotation);
 * - `directory`: generated and kept in a local directory (no-cluster mode, `serve`);
 * - `secret`: generated and kept in a Secret in `kube.namespace` (needs `kube`), CA patched
 *   into the ClusterInterceptor's caBundle.
 */
export type InterceptorTlsOptions =
  | { kind: 'pem'; cert: string; key: string }
  | { kind: 'directory'; dir: string; extraDnsNames?: string[]; ipAddresses?: string[]; checkIntervalMs?: number }
  | { kind: 'secret'; secretName?: string; extraDnsNames?: string[]; checkIntervalMs?: number };

export interface InterceptorKubeOptions {
  kubeConfig: KubeConfig;
  /** Namespace of our Service and TLS Secret. */
  namespace: string;
  serviceName?: string;
  /** Our ClusterInterceptor (never a core name such as github); default `tekton-provenance`. */
  clusterInterceptorName?: string;
  /** Read webhook Secrets through the API (default true with kube). */
  secretLookups?: boolean;
  /** Record rejections as core/v1 Events (default true with kube). */
  recordEvents?: boolean;
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
  /** No-cluster webhook secrets (StaticSecretResolver / DirectorySecretResolver); wins over kube. */
  secrets?: SecretResolver;
  logger?: Logger;
  limits?: BodyLimits;
  /** Byte budget, queue and per-request time (defaults: DEFAULT_LOAD_LIMITS). */
  load?: Partial<LoadLimits>;
  /** HTTPS timeouts and connection cap (defaults: DEFAULT_SERVER_LIMITS). */
  server?: Partial<ServerLimits>;
  /** Longest a graceful close waits for in-flight requests before cutting connections. */
  shutdownGraceMs?: number;
}
