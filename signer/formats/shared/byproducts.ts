import type { ResultValue } from '../../model/types.ts';
import { goJsonBase64 } from './go-json.ts';
import type { ResourceDescriptor } from './resolved-dependencies.ts';
import { buildArtifactState, isImageHint } from './type-hints.ts';

export const JSON_MEDIA_TYPE = 'application/json';

/** One result as a byproduct: `content` = base64 of the value's JSON, as Chains encodes it. */
export function resultByproduct(name: string, r: ResultValue): ResourceDescriptor {
  return { name, content: goJsonBase64(r.value), mediaType: JSON_MEDIA_TYPE };
}

/**
 * Chains' GetResultsWithoutBuildArtifacts (v2alpha4): every result except build artifacts
 * (and `*ARTIFACT_OUTPUTS` Chains rejects as malformed) and image type hints.
 */
export function nonArtifactByproducts(results: readonly ResultValue[], nameOf: (result: string) => string): ResourceDescriptor[] {
  return results.filter((r) => buildArtifactState(r) === 'no' && !isImageHint(r.name)).map((r) => resultByproduct(nameOf(r.name), r));
}
