import { Registry } from '../registry.ts';
import type { AttestationFormat } from './format.ts';
import { slsaV02 } from './slsa-v02.ts';
import { slsaV1 } from './slsa-v1.ts';
import { tektonFormat } from './tekton.ts';

/**
 * Formats by their `artifacts.pipelinerun.format` value. Aliases follow Chains: `slsa/v1` is
 * `in-toto`; `slsa/v2alpha3` shares v2alpha4's layout (they differ only for StepActions).
 */
export const formats = new Registry<AttestationFormat>('attestation format')
  .register('in-toto', slsaV02)
  .register('slsa/v1', { ...slsaV02, name: 'slsa/v1' })
  .register('slsa/v2alpha4', slsaV1)
  .register('slsa/v2alpha3', { ...slsaV1, name: 'slsa/v2alpha3' })
  .register('tekton', tektonFormat);
