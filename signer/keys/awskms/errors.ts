import { ProvenanceError } from '../../errors.ts';

/**
 * What can go wrong with a KMS key, as stable codes. SDK failures are turned into these at
 * the domain-client boundary, so nothing above it sees SDK exception classes.
 */
export type AwsKmsErrorCode =
  | 'KMS_BAD_URI' // the awskms:// reference does not parse
  | 'KMS_CONFIG' // client configuration unusable (no region, bad option)
  | 'KMS_KEY_NOT_FOUND' // no such key id / ARN / alias
  | 'KMS_KEY_NOT_FOR_SIGNING' // KeyUsage is not SIGN_VERIFY
  | 'KMS_KEY_DISABLED' // disabled, pending deletion or otherwise not usable
  | 'KMS_UNSUPPORTED_KEY_SPEC' // a signing key whose spec we do not sign with
  | 'KMS_ACCESS_DENIED' // IAM/key policy denial, unknown or wrong credentials
  | 'KMS_THROTTLED' // still throttled after the SDK's retries
  | 'KMS_UNAVAILABLE' // 5xx / internal errors after the SDK's retries
  | 'KMS_UNREACHABLE' // network: refused, reset, DNS, timeout, TLS
  | 'KMS_BAD_RESPONSE' // KMS answered something we cannot use (bad DER, wrong key, bad signature)
  | 'KMS_REQUEST_FAILED'; // any other rejection (validation and the like)

const BY_EXCEPTION: Record<string, AwsKmsErrorCode> = {
  NotFoundException: 'KMS_KEY_NOT_FOUND',
  InvalidArnException: 'KMS_KEY_NOT_FOUND',
  InvalidKeyUsageException: 'KMS_KEY_NOT_FOR_SIGNING',
  DisabledException: 'KMS_KEY_DISABLED',
  KMSInvalidStateException: 'KMS_KEY_DISABLED',
  KeyUnavailableException: 'KMS_KEY_DISABLED',
  AccessDeniedException: 'KMS_ACCESS_DENIED',
  UnrecognizedClientException: 'KMS_ACCESS_DENIED',
  InvalidSignatureException: 'KMS_ACCESS_DENIED',
  IncompleteSignatureException: 'KMS_ACCESS_DENIED',
  MissingAuthenticationTokenException: 'KMS_ACCESS_DENIED',
  ExpiredTokenException: 'KMS_ACCESS_DENIED',
  InvalidGrantTokenException: 'KMS_ACCESS_DENIED',
  CredentialsProviderError: 'KMS_CONFIG', // no credentials found in the chain
  ThrottlingException: 'KMS_THROTTLED',
  LimitExceededException: 'KMS_THROTTLED',
  KMSInternalException: 'KMS_UNAVAILABLE',
  DependencyTimeoutException: 'KMS_UNAVAILABLE',
  TimeoutError: 'KMS_UNREACHABLE',
};

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPROTO']);

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

/** Turns an SDK (or network) failure of `action` on `key` into a coded ProvenanceError. */
export function kmsError(err: unknown, action: string, key: string): ProvenanceError<AwsKmsErrorCode> {
  if (err instanceof ProvenanceError) return err as ProvenanceError<AwsKmsErrorCode>;
  const e = (typeof err === 'object' && err !== null ? err : {}) as SdkErrorShape;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const attempts = e.$metadata?.attempts;
  const code = classify(name, e, status);
  const detail = [
    status !== undefined ? `HTTP ${status}` : undefined,
    attempts !== undefined && attempts > 1 ? `after ${attempts} attempts` : undefined,
  ].filter(Boolean).join(', ');
  // SDK messages name the key and the reason; they never carry credentials.
  const message = `AWS KMS ${action} for ${key} failed: ${name}: ${(e.message ?? 'no message').trim()}${detail ? ` (${detail})` : ''}`;
  return new ProvenanceError(code, message, { cause: err });
}

function classify(name: string, e: SdkErrorShape, status: number | undefined): AwsKmsErrorCode {
  const known = BY_EXCEPTION[name];
  if (known) return known;
  if (e.code !== undefined && NETWORK_CODES.has(e.code)) return 'KMS_UNREACHABLE';
  if (/region is missing/i.test(e.message ?? '')) return 'KMS_CONFIG';
  if (status !== undefined && status >= 500) return 'KMS_UNAVAILABLE';
  if (status === undefined && /certificate|ssl|tls/i.test(`${e.code ?? ''} ${e.message ?? ''}`)) return 'KMS_UNREACHABLE';
  return 'KMS_REQUEST_FAILED';
}
