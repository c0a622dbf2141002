import type { ImageVerdict } from '../verdict/verdict.ts';
import type { JsonPatchOp } from '../protocol/review.ts';

/** One image that did not pass one policy. */
export interface Finding {
  image: string;
  /** The policy's name, or `-` when no policy was involved (no policy matched, bad reference). */
  policy: string;
  /** `enforce` findings deny the request; `warn` findings become AdmissionReview warnings. */
  mode: 'enforce' | 'warn';
  verdict: ImageVerdict;
}

/** What one review decided, before it is put into words (answer) and reported (report). */
export interface ReviewOutcome {
  allowed: boolean;
  findings: Finding[];
  patch?: JsonPatchOp[];
  /** Why nothing was checked (namespace not enforced, no pods...), for the log. */
  skipped?: string;
  /** Metrics label of the whole review: `verified`, `skipped`, or the first finding's reason. */
  reason: string;
}

export function skipped(why: string): ReviewOutcome {
  return { allowed: true, findings: [], skipped: why, reason: 'skipped' };
}

/** Allowed unless an `enforce` finding exists. */
export function outcomeOf(findings: Finding[], patch?: JsonPatchOp[]): ReviewOutcome {
  const denying = findings.filter((f) => f.mode === 'enforce');
  const first = denying[0] ?? findings[0];
  return {
    allowed: denying.length === 0,
    findings,
    ...(patch && patch.length > 0 ? { patch } : {}),
    reason: first ? first.verdict.reason : 'verified',
  };
}

/** `image X (policy P): check: why; check: why`: every failed check, by name. */
export function describeFinding(f: Finding): string {
  const checks = f.verdict.failures.map((c) => `${c.name}: ${c.message}`).join('; ');
  return `image ${f.image}${f.policy === '-' ? '' : ` (policy ${f.policy})`}: ${checks}`;
}
