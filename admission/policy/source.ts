import type { AdmissionPolicy } from './types.ts';

/** The current VerificationPolicies; read on every review, so a change applies to the next one. */
export interface PolicySource {
  policies(): readonly AdmissionPolicy[];
}

/** Fixed policies: `admission --dry-run` (from files) and tests. */
export class StaticPolicySource implements PolicySource {
  readonly #policies: readonly AdmissionPolicy[];

  constructor(policies: readonly AdmissionPolicy[]) {
    this.#policies = policies;
  }

  policies(): readonly AdmissionPolicy[] {
    return this.#policies;
  }
}
