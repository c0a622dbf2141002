// Tekton run simulator: PipelineRuns + TaskRuns/CustomRuns with Tekton-shaped status. See docs/test-harness.md.
export { simulatePipelineRun, fakeUid } from './simulate.ts';
export type { SimulatedRun, RunObjects, RunOp } from './simulate.ts';
export { runPipeline, deleteChild } from './driver.ts';
export type { DriveOptions, DrivenRun } from './driver.ts';
export { toV1beta1 } from './v1beta1.ts';
export { imageIdOf, childName } from './common.ts';
export type { TektonSimErrorCode } from './errors.ts';
export type * from './types.ts';
export { SIMPLE_BUILD_PIPELINE, SIMPLE_BUILD_TASKS, SIMPLE_BUILD_IMAGES, SIMPLE_BUILD_BUNDLES, simpleBuildRun, simpleBuildBehaviour } from './pipelines/simple-build.ts';
export { KITCHEN_SINK_PIPELINE, kitchenSinkRun } from './pipelines/kitchen-sink.ts';
export { TEP_0084_PIPELINE, TEP_0084_EXAMPLE_ATTESTATION, tep0084ExampleRun } from './pipelines/tep-0084.ts';
