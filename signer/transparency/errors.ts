import { ProvenanceError } from '../errors.ts';

/** Why a transparency log upload or log proof was refused. */
export type TransparencyErrorCode =
  | 'TLOG_UNREACHABLE' // connection refused or reset, after the bounded retries
  | 'TLOG_TIMEOUT' // no answer in time, after the bounded retries
  | 'TLOG_SERVER_ERROR' // 5xx or 429, after the bounded retries
  | 'TLOG_BAD_RESPONSE' // an answer that is not a Rekor log entry
  | 'TLOG_REJECTED' // 4xx: the log refuses the entry (permanent)
  | 'TLOG_TOO_LARGE' // 413: the entry exceeds the log's body limit (permanent)
  | 'TLOG_ENTRY_MISMATCH' // the entry logged is not for our envelope / key
  | 'TLOG_BAD_SET' // the signed entry timestamp does not verify with the log key
  | 'TLOG_BAD_PROOF' // inclusion proof or checkpoint does not verify
  | 'TLOG_UNTRUSTED_LOG' // the log key is unknown or does not match the entry's logID
  | 'TLOG_MISSING' // verification requires a log entry and there is none
  | 'TLOG_CERT_EXPIRED' // an event record's certificate expired before it could be logged (permanent)
  | 'TLOG_KEY_UNKNOWN'; // an event record signed by a key this signer no longer holds (permanent)

export function tlogError(code: TransparencyErrorCode, message: string, cause?: unknown): ProvenanceError<TransparencyErrorCode> {
  return new ProvenanceError<TransparencyErrorCode>(code, message, cause === undefined ? undefined : { cause });
}

/** Failures retrying cannot cure: the run is marked failed at once rather than retried. */
export function isPermanentTlogError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return code === 'TLOG_TOO_LARGE' || code === 'TLOG_REJECTED' || code === 'TLOG_CERT_EXPIRED' || code === 'TLOG_KEY_UNKNOWN';
}
