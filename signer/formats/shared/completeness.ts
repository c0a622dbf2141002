import type { EventLink } from '../../attest/types.ts';
import type { TektonRun } from '../../model/types.ts';

/** SLSA v0.2 `metadata.completeness`, stated honestly (see docs/formats.md). */
export interface Completeness {
  parameters: boolean;
  environment: boolean;
  materials: boolean;
}

/**
 * parameters: every child TaskRun was read (a missing CustomRun/deleted TaskRun hides its
 * params). environment: always false (pod/node environment is not captured). materials: every
 * child was read AND the trigger event was found (otherwise an input is unaccounted for).
 */
export function completeness(run: TektonRun, event: EventLink): Completeness {
  const allChildren = run.missing.length === 0;
  return { parameters: allChildren, environment: false, materials: allChildren && event.state === 'found' };
}
