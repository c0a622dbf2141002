import { tlogError } from './errors.ts';

/** A Rekor v1 `LogEntryAnon` as the API answers it (hex log ID and hashes, numbers). */
export interface RekorLogEntry {
  body: string;
  integratedTime: number;
  logID: string;
  logIndex: number;
  verification?: {
    inclusionProof?: { logIndex: number; treeSize: number; rootHash: string; hashes: string[]; checkpoint: string };
    signedEntryTimestamp?: string;
  };
}

/**
 * A log entry in the sigstore bundle's `TransparencyLogEntry` JSON form (base64 bytes,
 * decimal strings): what we store and what @sigstore/verify reads, so verification of a
 * stored entry never needs the log.
 */
export interface TlogEntryJson {
  logIndex: string;
  logId: { keyId: string };
  kindVersion: { kind: string; version: string };
  integratedTime: string;
  inclusionPromise?: { signedEntryTimestamp: string };
  inclusionProof?: { logIndex: string; rootHash: string; treeSize: string; hashes: string[]; checkpoint: { envelope: string } };
  canonicalizedBody: string;
}

/** An attestation's place in a log: the entry and where it is (for the run annotation). */
export interface LoggedEntry {
  /** The log's base URL (`transparency.url`). */
  url: string;
  /** Rekor's entry ID (tree ID + leaf hash, hex). */
  uuid: string;
  entry: TlogEntryJson;
}

const hexToB64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');

/** Shape-checks an answer and converts it; anything else is TLOG_BAD_RESPONSE. */
export function fromRekor(raw: unknown): { uuid: string; entry: TlogEntryJson } {
  const pairs = raw && typeof raw === 'object' ? Object.entries(raw as Record<string, unknown>) : [];
  const [uuid, value] = pairs[0] ?? [];
  const e = value as RekorLogEntry | undefined;
  if (pairs.length !== 1 || !uuid || !e || typeof e.body !== 'string' || !Number.isSafeInteger(e.integratedTime)
    || !Number.isSafeInteger(e.logIndex) || typeof e.logID !== 'string' || !/^[0-9a-f]{64}$/.test(e.logID)) {
    throw tlogError('TLOG_BAD_RESPONSE', 'the log answered something that is not one Rekor log entry');
  }
  let kind: { kind?: unknown; apiVersion?: unknown };
  try {
    kind = JSON.parse(Buffer.from(e.body, 'base64').toString('utf8')) as typeof kind;
  } catch {
    throw tlogError('TLOG_BAD_RESPONSE', `entry ${uuid}: body is not base64 JSON`);
  }
  const entry: TlogEntryJson = {
    logIndex: String(e.logIndex),
    logId: { keyId: hexToB64(e.logID) },
    kindVersion: { kind: String(kind.kind), version: String(kind.apiVersion) },
    integratedTime: String(e.integratedTime),
    canonicalizedBody: e.body,
  };
  const set = e.verification?.signedEntryTimestamp;
  if (typeof set === 'string') entry.inclusionPromise = { signedEntryTimestamp: set };
  const p = e.verification?.inclusionProof;
  if (p && Array.isArray(p.hashes) && typeof p.checkpoint === 'string' && typeof p.rootHash === 'string') {
    entry.inclusionProof = {
      logIndex: String(p.logIndex), rootHash: hexToB64(p.rootHash), treeSize: String(p.treeSize),
      hashes: p.hashes.map(hexToB64), checkpoint: { envelope: p.checkpoint },
    };
  }
  return { uuid, entry };
}

/** Chains' run annotation value: `<url>/api/v1/log/entries?logIndex=<n>`. */
export function entryUrl(logged: LoggedEntry): string {
  return `${logged.url.replace(/\/+$/, '')}/api/v1/log/entries?logIndex=${logged.entry.logIndex}`;
}

/**
 * cosign's `dev.sigstore.cosign/bundle` layer annotation (cosign pkg/cosign/bundle/rekor.go:
 * RekorBundle{SignedEntryTimestamp, Payload{body, integratedTime, logIndex, logID}}), in Go's
 * field order. Needs the SET: an entry without one cannot be written this way.
 */
export function cosignBundleAnnotation(entry: TlogEntryJson): string | undefined {
  if (!entry.inclusionPromise) return undefined;
  return JSON.stringify({
    SignedEntryTimestamp: entry.inclusionPromise.signedEntryTimestamp,
    Payload: {
      body: entry.canonicalizedBody,
      integratedTime: Number(entry.integratedTime),
      logIndex: Number(entry.logIndex),
      logID: Buffer.from(entry.logId.keyId, 'base64').toString('hex'),
    },
  });
}

/** The reverse: a cosign bundle annotation as a (proof-less) bundle tlog entry, for verification. */
export function fromCosignBundleAnnotation(text: string): TlogEntryJson {
  let b: { SignedEntryTimestamp?: unknown; Payload?: { body?: unknown; integratedTime?: unknown; logIndex?: unknown; logID?: unknown } };
  try {
    b = JSON.parse(text) as typeof b;
  } catch {
    throw tlogError('TLOG_BAD_RESPONSE', 'dev.sigstore.cosign/bundle is not JSON');
  }
  const p = b.Payload;
  if (typeof b.SignedEntryTimestamp !== 'string' || !p || typeof p.body !== 'string' || typeof p.logID !== 'string'
    || typeof p.integratedTime !== 'number' || typeof p.logIndex !== 'number') {
    throw tlogError('TLOG_BAD_RESPONSE', 'dev.sigstore.cosign/bundle lacks SignedEntryTimestamp or Payload fields');
  }
  const kind = JSON.parse(Buffer.from(p.body, 'base64').toString('utf8') || '{}') as { kind?: unknown; apiVersion?: unknown };
  return {
    logIndex: String(p.logIndex), logId: { keyId: hexToB64(p.logID) },
    kindVersion: { kind: String(kind.kind), version: String(kind.apiVersion) },
    integratedTime: String(p.integratedTime), inclusionPromise: { signedEntryTimestamp: b.SignedEntryTimestamp },
    canonicalizedBody: p.body,
  };
}
