import { Registry } from '../registry.ts';
import type { AttestationFormat } from './format.ts';
import { slsaV02 } from './slsa-v02.ts';
import { slsaV2alpha3 } from './slsa-v2alpha3.ts';
import { slsaV2alpha4 } from './slsa-v2alpha4.ts';
import { tektonFormat } from './tekton.ts';

/**
 * Formats by their `artifacts.pipelinerun.format` value. As in Chains, `slsa/v1` is an alias
 * of `in-toto`; `slsa/v2alpha3` and `slsa/v2alpha4` are two variants of one SLSA v1.0 builder.
 */
export const formats = new Registry<AttestationFormat>('attestation format')
  .register('in-toto', slsaV02)
  .register('slsa/v1', { ...slsaV02, name: 'slsa/v1' })
  .register('slsa/v2alpha4', slsaV2alpha4)
  .register('slsa/v2alpha3', slsaV2alpha3)
  .register('tekton', tektonFormat);
