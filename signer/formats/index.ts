// Attestation formats: one import site for the controller, the CLI and verifiers.
export type { AttestationFormat, FormatContext, SubjectOptions } from './format.ts';
export { DEFAULT_BUILDER_ID } from './format.ts';
export { formats } from './registry.ts';
export { SLSA_V02_PREDICATE, PIPELINERUN_BUILD_TYPE, CHAINS_PIPELINERUN_BUILD_TYPE, type SlsaV02Predicate } from './slsa-v02.ts';
export { SLSA_V1_PREDICATE, SLSA_BUILD_TYPE, SLSA_TEKTON_BUILD_TYPE, TASK_RECORD_MEDIA_TYPE, type SlsaV1Predicate, type ResourceDescriptor } from './slsa-v1.ts';
export { TEKTON_PAYLOAD_TYPE, TEKTON_PREDICATE_TYPE } from './tekton.ts';
export { DSSE_MEDIA_TYPE, eventUri } from './shared/event.ts';
export { typeHintSubjects, buildArtifactSubjects } from './shared/subjects.ts';
export type { TaskRecord, IncompleteTask } from './shared/tasks.ts';
export type { TriggerEvent } from './shared/event.ts';
