import { Agent as HttpsAgent } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { KMSClientConfig } from '@aws-sdk/client-kms';
import { ProvenanceError } from '../../errors.ts';
import type { AwsKmsErrorCode } from './errors.ts';
import type { AwsKmsReference } from './uri.ts';

/**
 * Options for the AWS KMS key source. Anything left out comes from the SDK's usual chain
 * (AWS_REGION, AWS_* credentials, IRSA web identity, instance metadata), as cosign does.
 */
export interface AwsKmsOptions {
  /** Region; defaults to the region of an ARN key reference, then the SDK chain. */
  region?: string;
  /** Static credentials or a provider; defaults to the SDK's default provider chain. */
  credentials?: KMSClientConfig['credentials'];
  /** Attempts per call including the first (SDK standard retry strategy). Default 3. */
  maxAttempts?: number;
  /** SDK retry mode: 'standard' (default) or 'adaptive' (client-side rate limiting). */
  retryMode?: 'standard' | 'adaptive';
  /**
   * Scheme for an endpoint named in the URI (`awskms://host:port/...`). Default 'https', as
   * sigstore does; 'http' exists for local stand-ins only.
   */
  endpointProtocol?: 'https' | 'http';
  /** Full endpoint URL, overriding the URI's endpoint (e.g. a VPC endpoint). */
  endpoint?: string;
  /** Extra CA certificates (PEM) to trust for an HTTPS endpoint, e.g. a private proxy. */
  caCertificates?: string | Buffer | (string | Buffer)[];
  /** Per-attempt limit on the whole request (ms). Default 10 000. */
  requestTimeoutMs?: number;
  /** Limit on establishing a connection (ms). Default 5 000. */
  connectionTimeoutMs?: number;
  /** Escape hatch: merged last into the KMSClient configuration. */
  clientConfig?: KMSClientConfig;
}

const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const DEFAULT_CONNECTION_TIMEOUT_MS = 5_000;

/** Builds the KMSClient configuration for one key reference. */
export function kmsClientConfig(ref: AwsKmsReference, opts: AwsKmsOptions): KMSClientConfig {
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 20) {
    throw configError(`maxAttempts must be an integer from 1 to 20, got ${String(opts.maxAttempts)}`);
  }
  const protocol = opts.endpointProtocol ?? 'https';
  if (protocol !== 'https' && protocol !== 'http') throw configError(`endpointProtocol must be https or http, got ${String(protocol)}`);
  const endpoint = opts.endpoint ?? (ref.endpoint !== undefined ? `${protocol}://${ref.endpoint}` : undefined);
  if (endpoint !== undefined && !/^https?:\/\/[^/\s]+\/?$/.test(endpoint)) {
    throw configError(`endpoint must be an http(s) URL without a path, got "${endpoint}"`);
  }
  const region = opts.region ?? ref.arnRegion;
  const ca = opts.caCertificates === undefined ? undefined : [opts.caCertificates].flat();
  return {
    ...(region !== undefined ? { region } : {}),
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(opts.credentials !== undefined ? { credentials: opts.credentials } : {}),
    maxAttempts,
    retryMode: opts.retryMode ?? 'standard',
    requestHandler: {
      requestTimeout: opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
      connectionTimeout: opts.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
      // Extra CAs are added to (not replacing) Node's bundled roots; TLS 1.2 is the floor.
      httpsAgent: new HttpsAgent({
        keepAlive: true,
        minVersion: 'TLSv1.2',
        ...(ca ? { ca: [...rootCertificates, ...ca] } : {}),
      }),
    },
    ...opts.clientConfig,
  };
}

const configError = (message: string): ProvenanceError<AwsKmsErrorCode> => new ProvenanceError('KMS_CONFIG', message);
