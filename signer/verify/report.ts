import type { VerificationReport } from './check.ts';

/** How PASS/FAIL/SKIP and the verdict are drawn (colours on a terminal); plain by default. */
export interface ReportPaint {
  pass(text: string): string;
  fail(text: string): string;
  skip(text: string): string;
}
const PLAIN: ReportPaint = { pass: (t) => t, fail: (t) => t, skip: (t) => t };

const MARK = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

/** One line per check, then the verdict; readable in a terminal and in CI logs. */
export function renderReport(report: VerificationReport, paint: ReportPaint = PLAIN): string {
  const width = Math.max(...report.checks.map((c) => c.name.length), 10);
  const lines = report.checks.map((c) => `  ${paint[c.status](MARK[c.status])}  ${c.name.padEnd(width)}  ${c.message}`);
  const failed = report.checks.filter((c) => c.status === 'fail');
  const verdict = report.ok
    ? `${paint.pass('VERIFIED')} ${report.source}: ${report.checks.filter((c) => c.status === 'pass').length} checks passed`
    : `${paint.fail('NOT VERIFIED')} ${report.source}: ${failed.map((c) => c.name).join(', ')} failed`;
  return `${report.source}\n${lines.join('\n')}\n${verdict}\n`;
}

export const NOTHING_VERIFIED_MESSAGE = 'no attestation was found to verify (nothing verified is not a pass)';

/** The overall verdict: every report passed AND there was at least one (nothing verified is never ok). */
export function verdictOf(reports: readonly VerificationReport[]): boolean {
  return reports.length > 0 && reports.every((r) => r.ok);
}

/**
 * Machine output: the reports as they are, plus a summary whose `ok` is the same verdict as
 * the exit code. With no report at all, `error` says so with code NOTHING_VERIFIED.
 */
export function reportsToJson(reports: VerificationReport[]): string {
  const ok = verdictOf(reports);
  const error = reports.length === 0 ? { error: { code: 'NOTHING_VERIFIED', message: NOTHING_VERIFIED_MESSAGE } } : {};
  return `${JSON.stringify({ ok, total: reports.length, failed: reports.filter((r) => !r.ok).length, ...error, reports }, null, 2)}\n`;
}
