/** The outcome of one named check; `message` says why, pass or fail. */
export interface CheckResult {
  name: string;
  status: 'pass' | 'fail' | 'skip';
  message: string;
}

export const pass = (name: string, message: string): CheckResult => ({ name, status: 'pass', message });
export const fail = (name: string, message: string): CheckResult => ({ name, status: 'fail', message });
export const skip = (name: string, message: string): CheckResult => ({ name, status: 'skip', message });

/** The verdict for one attestation. */
export interface VerificationReport {
  source: string;
  ok: boolean;
  checks: CheckResult[];
}
