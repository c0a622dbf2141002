import { eventError } from '../errors.ts';

/** How long records are kept and how the signer prunes them (docs/signer.md "Retention"). */
export interface RetentionPolicy {
  /** `events.retention.attested`: kept this long after an attestation embedded them. */
  attestedMs: number;
  /** `events.retention.unclaimed`: never-attested records are kept this long after they were stored. */
  unclaimedMs: number;
  /** How often the signer prunes. */
  intervalMs: number;
  /** Records deleted per batch (one transaction or a few API calls): small, so a batch never holds up puts. */
  batchSize: number;
  /** Batches per round at most; the rest waits for the next round. */
  maxBatches: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  attestedMs: 7 * 86_400_000,
  unclaimedMs: 30 * 86_400_000,
  intervalMs: 5 * 60_000,
  batchSize: 100,
  maxBatches: 50,
};

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `30s`, `10m`, `12h`, `7d` (whole numbers); `off` disables that rule. */
export function parseRetentionDuration(name: string, value: string): number {
  if (value === 'off') return Number.POSITIVE_INFINITY;
  const m = /^(\d{1,9})(ms|s|m|h|d)$/.exec(value.trim());
  if (!m) throw eventError('STORE_CONFIG', `${name}: "${value}" is not a duration like 30s, 12h or 7d (or off)`);
  const ms = Number(m[1]) * (UNITS[m[2] as string] as number);
  if (ms <= 0) throw eventError('STORE_CONFIG', `${name}: must be more than 0`);
  return ms;
}

/** The policy from flags or environment (flags win); unset values keep the defaults. */
export function retentionFrom(v: {
  attested?: string | undefined;
  unclaimed?: string | undefined;
  interval?: string | undefined;
  batch?: string | undefined;
}): RetentionPolicy {
  const p = { ...DEFAULT_RETENTION };
  if (v.attested) p.attestedMs = parseRetentionDuration('events.retention.attested', v.attested);
  if (v.unclaimed) p.unclaimedMs = parseRetentionDuration('events.retention.unclaimed', v.unclaimed);
  if (v.interval) p.intervalMs = parseRetentionDuration('events.retention.interval', v.interval);
  if (v.batch) {
    const n = Number(v.batch);
    if (!Number.isInteger(n) || n < 1 || n > 10_000) throw eventError('STORE_CONFIG', `events.retention.batch: "${v.batch}" is not a whole number from 1 to 10000`);
    p.batchSize = n;
  }
  if (!Number.isFinite(p.intervalMs)) throw eventError('STORE_CONFIG', 'events.retention.interval cannot be off');
  return p;
}

/** The cut-off times at `now`; a rule that is off cuts off nothing. */
export function cutoffs(p: RetentionPolicy, now: Date): { attestedBefore: Date; unclaimedBefore: Date } {
  const at = (ms: number) => new Date(Number.isFinite(ms) ? now.getTime() - ms : 0);
  return { attestedBefore: at(p.attestedMs), unclaimedBefore: at(p.unclaimedMs) };
}
