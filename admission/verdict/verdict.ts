import type { VerificationReport } from '../../signer/verify/check.ts';

/** One failed check of an image, by the name `tkn-provenance verify` reports it under. */
export interface FailedCheck {
  name: string;
  message: string;
}

/** The verdict for one image digest under one policy. */
export interface ImageVerdict {
  ok: boolean;
  /** Every failed check, deduplicated across the image's attestations. */
  failures: FailedCheck[];
  /** Bounded metrics label: `verified`, a check family (`task`, `binding`, `event`...) or an error code. */
  reason: string;
}

export const VERIFIED: ImageVerdict = { ok: true, failures: [], reason: 'verified' };

/** A check's family: its name up to the first space (`task inject-miner` -> `task`). */
export function checkFamily(name: string): string {
  return name.split(' ')[0] ?? name;
}

/** Reports -> verdict: ok only when every report is (the rule of `verify --image`). */
export function verdictOf(reports: readonly VerificationReport[]): ImageVerdict {
  if (reports.length > 0 && reports.every((r) => r.ok)) return VERIFIED;
  const seen = new Set<string>();
  const failures: FailedCheck[] = [];
  for (const r of reports) {
    for (const c of r.checks) {
      if (c.status !== 'fail') continue;
      const key = `${c.name}\n${c.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      failures.push({ name: c.name, message: c.message });
    }
  }
  return { ok: false, failures, reason: checkFamily(failures[0]?.name ?? 'attestation') };
}

/** A verdict for something that stopped verification (registry down, timeout, no keys). */
export function errorVerdict(code: string, name: string, message: string): ImageVerdict {
  return { ok: false, failures: [{ name, message }], reason: code };
}
