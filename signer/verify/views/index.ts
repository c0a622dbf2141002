import { ProvenanceError } from '../../errors.ts';
import type { Statement } from '../../intoto/statement.ts';
import type { RunView } from '../run-view.ts';
import { slsaV02View } from './slsa-v02.ts';
import { slsaV1View } from './slsa-v1.ts';

const VIEWS: Record<string, (s: Statement) => RunView> = {
  'https://slsa.dev/provenance/v0.2': slsaV02View,
  'https://slsa.dev/provenance/v1': slsaV1View,
};

/** Maps a PipelineRun provenance statement onto the RunView the checks read. */
export function toRunView(statement: Statement): RunView {
  const view = VIEWS[statement.predicateType];
  if (!view) {
    throw new ProvenanceError('UNSUPPORTED_PREDICATE', `predicateType ${statement.predicateType} is not a PipelineRun provenance this verifier reads (SLSA v0.2 or v1)`);
  }
  return view(statement);
}
