import { parseEnvelope } from '../dsse/parse.ts';
import type { SignedEventRecord } from './event-record.ts';
import { eventError } from './errors.ts';
import { extrasFromJson, extrasJson } from './record-extras.ts';

/** The record as stored and served: compact JSON with a fixed field order. */
export function serializeRecord(r: SignedEventRecord): string {
  const env = r.envelope as unknown as Record<string, unknown>;
  const keys = Object.keys(env);
  // Fast path, same text: the base64 payload (up to ~34 MiB) is copied, not re-escaped.
  if (keys.length === 3 && keys[0] === 'payloadType' && keys[1] === 'payload' && keys[2] === 'signatures' && plainStrings(r)) {
    return (
      `{"eventId":${JSON.stringify(r.eventId)},"digest":${JSON.stringify(r.digest)},"triggerId":${JSON.stringify(r.triggerId)},` +
      `"keyid":${JSON.stringify(r.keyid)},"envelope":{"payloadType":${JSON.stringify(r.envelope.payloadType)},` +
      `"payload":${jsonString(r.envelope.payload)},"signatures":${JSON.stringify(r.envelope.signatures)}},"storedAt":${JSON.stringify(r.storedAt)}${extrasJson(r)}}`
    );
  }
  return JSON.stringify({
    eventId: r.eventId,
    digest: r.digest,
    triggerId: r.triggerId,
    keyid: r.keyid,
    envelope: r.envelope,
    storedAt: r.storedAt,
    ...(r.certificates ? { certificates: r.certificates } : {}),
    ...(r.tlog ? { tlog: r.tlog } : {}),
  });
}

function plainStrings(r: SignedEventRecord): boolean {
  const fields = [r.eventId, r.digest, r.triggerId, r.keyid, r.storedAt, r.envelope.payloadType, r.envelope.payload];
  return fields.every((f) => typeof f === 'string') && Array.isArray(r.envelope.signatures);
}

/** Characters JSON.stringify escapes in a well-formed string: controls, quote, backslash. */
const ESCAPED = [...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)), '"', '\\'];

/**
 * JSON.stringify(s), without its per-character escaping pass when `s` holds nothing to escape
 * (e.g. base64): 34 native indexOf scans are several times cheaper on multi-MiB strings.
 */
export function jsonString(s: string): string {
  if (s.length < 4096 || !s.isWellFormed() || ESCAPED.some((c) => s.includes(c))) return JSON.stringify(s);
  return `"${s}"`;
}

/** Parses a stored or downloaded record; shape errors are INVALID_EVENT_RECORD naming the field. */
export function parseRecord(text: string, where = 'event record'): SignedEventRecord {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw eventError('INVALID_EVENT_RECORD', `${where} is not valid JSON: ${(err as Error).message}`, err);
  }
  return recordFromJson(v, where);
}

/**
 * A record file a user saved: the bare record, or the signer's answer to
 * GET /v1/events/<id>, `{"record": {...}}` (what the README's curl writes). Every CLI
 * command reading a record file accepts both; the stores keep the bare record only.
 */
export function parseRecordDocument(text: string, where = 'event record'): SignedEventRecord {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw eventError('INVALID_EVENT_RECORD', `${where} is not valid JSON: ${(err as Error).message}`, err);
  }
  const wrapped = v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && 'record' in v;
  return recordFromJson(wrapped ? (v as { record: unknown }).record : v, where);
}

/** Checks a JSON value is a SignedEventRecord (the envelope via the DSSE parser). */
export function recordFromJson(v: unknown, where = 'event record'): SignedEventRecord {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw eventError('INVALID_EVENT_RECORD', `${where} is not a JSON object`);
  }
  const o = v as Record<string, unknown>;
  for (const f of ['eventId', 'digest', 'triggerId', 'keyid', 'storedAt'] as const) {
    if (typeof o[f] !== 'string') throw eventError('INVALID_EVENT_RECORD', `${where} has no string "${f}"`);
  }
  if (!/^sha256:[0-9a-f]{64}$/.test(o.digest as string)) {
    throw eventError('INVALID_EVENT_RECORD', `${where}.digest must be sha256:<64 hex>`);
  }
  if (o.envelope === undefined) throw eventError('INVALID_EVENT_RECORD', `${where} has no "envelope"`);
  const envelope = parseEnvelope(JSON.stringify(o.envelope));
  return {
    eventId: o.eventId as string,
    digest: o.digest as string,
    triggerId: o.triggerId as string,
    keyid: o.keyid as string,
    envelope,
    storedAt: o.storedAt as string,
    ...extrasFromJson(o, where),
  };
}
