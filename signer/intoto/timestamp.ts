import { statementError } from './errors.ts';

// RFC 3339 date-time, UTC only ("Z"), optional fraction: what SLSA predicates carry.
const RFC3339_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?Z$/;

/** True for an RFC 3339 UTC timestamp with `Z` whose fields are in range (no leap second 60). */
export function isRfc3339Utc(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = RFC3339_UTC.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Throws BAD_TIMESTAMP naming the field unless `value` is an RFC 3339 UTC `Z` timestamp. */
export function assertRfc3339Utc(value: unknown, where: string): string {
  if (!isRfc3339Utc(value)) {
    throw statementError(
      'BAD_TIMESTAMP',
      `${where} must be an RFC 3339 UTC timestamp like 2024-01-02T03:04:05Z, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Formats a time as RFC 3339 UTC: whole seconds as `...:05Z`, else milliseconds `...:05.123Z`. */
export function toRfc3339Utc(time: Date | number | string): string {
  const date = time instanceof Date ? time : new Date(time);
  if (Number.isNaN(date.getTime())) throw statementError('BAD_TIMESTAMP', `not a time: ${String(time)}`);
  return date.toISOString().replace('.000Z', 'Z');
}
