/**
 * The admission webhook (docs/admission.md): pins every image of a workload to its digest
 * (mutating) and admits it only when each image's attestations pass the whole-chain
 * verification of `tkn-provenance verify` under the VerificationPolicies that govern it.
 */
export { startAdmission, type RunningAdmission } from './server.ts';
export type { AdmissionOptions, AdmissionTlsOptions } from './options.ts';
export { DEFAULT_PORT, DEFAULT_TIMEOUT_MS } from './options.ts';
export { handleAdmissionReview, type Webhook } from './handler.ts';
export { parseVerificationPolicy, POLICY_GROUP, POLICY_VERSION, POLICY_PLURAL, POLICY_KIND } from './policy/parse.ts';
export { StaticPolicySource, type PolicySource } from './policy/source.ts';
export { ENFORCE_LABEL } from './review/scope.ts';
export type { AdmissionErrorCode } from './errors.ts';
