import type { LoggedEntry } from '../transparency/entry.ts';
import type { SignedEventRecord } from './event-record.ts';
import { eventError } from './errors.ts';

/** What keyless and transparency add to a record: the certificate chain and the log entry. */
export type RecordExtras = Pick<SignedEventRecord, 'certificates' | 'tlog'>;

/** `,"certificates":[...],"tlog":{...}` after storedAt, each only when present ('' for most records). */
export function extrasJson(r: RecordExtras): string {
  return (r.certificates ? `,"certificates":${JSON.stringify(r.certificates)}` : '') + (r.tlog ? `,"tlog":${JSON.stringify(r.tlog)}` : '');
}

/** Reads the optional fields of a record JSON; a wrong shape is INVALID_EVENT_RECORD naming the field. */
export function extrasFromJson(o: Record<string, unknown>, where: string): RecordExtras {
  const out: RecordExtras = {};
  if (o.certificates !== undefined) {
    const c = o.certificates;
    if (!Array.isArray(c) || c.length === 0 || !c.every((p) => typeof p === 'string' && p.includes('-----BEGIN CERTIFICATE-----'))) {
      throw eventError('INVALID_EVENT_RECORD', `${where}.certificates must be a list of PEM certificates, leaf first`);
    }
    out.certificates = c as string[];
  }
  if (o.tlog !== undefined) out.tlog = tlogFromJson(o.tlog, where);
  return out;
}

function tlogFromJson(v: unknown, where: string): LoggedEntry {
  const t = (v ?? {}) as { url?: unknown; uuid?: unknown; entry?: Record<string, unknown> };
  const e = t.entry;
  if (typeof t.url !== 'string' || typeof t.uuid !== 'string' || !e || typeof e !== 'object'
    || typeof e.logIndex !== 'string' || typeof e.canonicalizedBody !== 'string' || typeof e.integratedTime !== 'string') {
    throw eventError('INVALID_EVENT_RECORD', `${where}.tlog must be {url, uuid, entry} with the entry in the sigstore bundle's JSON form`);
  }
  return t as unknown as LoggedEntry;
}
