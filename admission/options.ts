import type { KubeConfig } from '@kubernetes/client-node';
import type { ServerLimits } from '../signer/https/limits.ts';
import type { Logger } from '../signer/server/logger.ts';
import type { PolicySource } from './policy/source.ts';

export const DEFAULT_PORT = 8443;
export const DEFAULT_NAMESPACE = 'tekton-provenance';
export const DEFAULT_SERVICE_NAME = 'tekton-provenance-admission';
export const DEFAULT_TLS_SECRET = 'tekton-provenance-admission-tls';
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Where the serving cert comes from (as the interceptor's: explicit PEMs, a directory, or a Secret + caBundle). */
export type AdmissionTlsOptions =
  | { kind: 'pem'; cert: string; key: string }
  | { kind: 'directory'; dir: string; extraDnsNames?: string[]; ipAddresses?: string[] }
  | { kind: 'secret'; secretName?: string; extraDnsNames?: string[]; checkIntervalMs?: number };

export interface AdmissionOptions {
  host?: string;
  /** Default 8443; 0 picks a free port. */
  port?: number;
  tls: AdmissionTlsOptions;
  /** The cluster: policies, namespaces, pull secrets, Secret keys, Events, the TLS Secret. */
  kubeConfig?: KubeConfig;
  /** Our namespace (never checked; where the TLS Secret and default key Secrets live). */
  namespace?: string;
  serviceName?: string;
  /** Name of our Mutating/ValidatingWebhookConfiguration (caBundle patched with tls kind secret). */
  webhookConfigurationName?: string;
  /** Policies without a cluster (tests, local runs); with kubeConfig they are watched instead. */
  policies?: PolicySource;
  /** The webhooks' timeoutSeconds in ms (default 10 s). */
  timeoutMs?: number;
  cacheTtlMs?: number;
  cacheMaxEntries?: number;
  /** Verifications at once (default 16) and waiting (default 1024). */
  concurrency?: number;
  maxQueued?: number;
  insecureRegistry?: boolean;
  noPolicyMatch?: 'deny' | 'allow';
  recordEvents?: boolean;
  logger?: Logger;
  /** HTTPS timeouts and connection cap, as the interceptor's (defaults: DEFAULT_SERVER_LIMITS). */
  server?: Partial<ServerLimits>;
  shutdownGraceMs?: number;
}
