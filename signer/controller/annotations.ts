/** State the controller keeps ON the PipelineRun (re-read fresh before acting, so restarts are safe). */
export const SIGNED_ANNOTATION = 'tekton-provenance.dev/signed';
export const RETRIES_ANNOTATION = 'tekton-provenance.dev/retries';
/** JSON list of `{backend, location}` written with `signed=true`. */
export const ATTESTATIONS_ANNOTATION = 'tekton-provenance.dev/attestations';
/** Why the run ended `signed=failed` (the last error, without secrets). */
export const FAILURE_ANNOTATION = 'tekton-provenance.dev/failure';
/** Held on unfinished runs so a pruner cannot delete them before they are attested. */
export const FINALIZER = 'tekton-provenance.dev/attestation';

export type SignedState = 'true' | 'failed';
