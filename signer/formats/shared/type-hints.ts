import type { DigestSet } from '../../intoto/statement.ts';
import type { ParamValue, ResultValue } from '../../model/types.ts';

/**
 * Chains' type hints (tektoncd/chains pkg/artifacts): which results name artifacts and how
 * their digests are read. Every format reads results through these, so a result means the
 * same thing in every format, exactly as it does in Chains.
 */
export const IMAGE_URL = 'IMAGE_URL';
export const IMAGE_DIGEST = 'IMAGE_DIGEST';
export const IMAGES = 'IMAGES';
export const ARTIFACT_INPUTS = 'ARTIFACT_INPUTS';
export const ARTIFACT_OUTPUTS = 'ARTIFACT_OUTPUTS';

/** A `{uri, digest}` pair as the results wrote it (digest still `alg:hex` text). */
export interface Target {
  uri: string;
  digest: string;
}

const HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/**
 * Chains' `ParseDigest`: exactly one ':', algorithm lowercased, both parts trimmed; sha256,
 * sha384 and sha512 need their exact length of lowercase hex (go-digest), sha1 40 lowercase hex.
 */
export function chainsDigest(value: string): DigestSet | undefined {
  const parts = value.split(':');
  if (parts.length !== 2) return undefined;
  const alg = (parts[0] ?? '').trim().toLowerCase();
  const hex = (parts[1] ?? '').trim();
  const len = alg === 'sha1' ? 40 : HEX_LENGTH[alg];
  if (len === undefined || hex.length !== len || !/^[a-f0-9]+$/.test(hex)) return undefined;
  return { [alg]: hex };
}

/**
 * Chains' structuredSignableExtractor: string results `<marker><uriSuffix>` and
 * `<marker><digestSuffix>` paired by marker, values trimmed, empty values ignored; pairs
 * with both halves set, in the order their first half appeared.
 */
export function pairedTargets(results: readonly ResultValue[], uriSuffix: string, digestSuffix: string): Target[] {
  const partial = new Map<string, Partial<Target>>();
  for (const r of results) {
    for (const [suffix, key] of [[uriSuffix, 'uri'], [digestSuffix, 'digest']] as const) {
      if (!r.name.endsWith(suffix)) continue;
      const value = str(r.value).trim();
      if (value === '') continue;
      const marker = r.name.slice(0, -suffix.length);
      partial.set(marker, { ...partial.get(marker), [key]: value });
    }
  }
  return [...partial.values()].filter((t): t is Target => !!t.uri && !!t.digest);
}

/** Valid `*<marker>` object results `{uri, digest}` (any `isBuildArtifact`), as ExtractStructuredTargetFromResults. */
export function structuredTargets(results: readonly ResultValue[], marker: typeof ARTIFACT_INPUTS | typeof ARTIFACT_OUTPUTS): Target[] {
  return results.filter((r) => r.name.endsWith(marker) && validObject(r.value) !== undefined).map((r) => validObject(r.value) as Target);
}

/**
 * Chains' IsBuildArtifact: a `*ARTIFACT_OUTPUTS` object with `isBuildArtifact: "true"`.
 * `invalid` when Chains reports an error (not an object, or marked but without a valid
 * uri/digest): such results are neither subjects nor byproducts in Chains.
 */
export function buildArtifactState(r: ResultValue): 'yes' | 'no' | 'invalid' {
  if (!r.name.endsWith(ARTIFACT_OUTPUTS)) return 'no';
  if (!isRecord(r.value)) return 'invalid';
  if (r.value['isBuildArtifact'] !== 'true') return 'no';
  return validObject(r.value) ? 'yes' : 'invalid';
}

export function buildArtifacts(results: readonly ResultValue[]): Target[] {
  return results.filter((r) => buildArtifactState(r) === 'yes').map((r) => validObject(r.value) as Target);
}

/** Image hints (`*IMAGE_URL`, `*IMAGE_DIGEST`, `IMAGES`): never byproducts in Chains' v2alpha4. */
export function isImageHint(name: string): boolean {
  return name.endsWith(IMAGE_URL) || name.endsWith(IMAGE_DIGEST) || name === IMAGES;
}

/** The string value of a result or param (Go's StringVal: empty for arrays and objects). */
export function str(v: ParamValue | undefined): string {
  return typeof v === 'string' ? v : '';
}

function validObject(v: ParamValue): Target | undefined {
  if (!isRecord(v)) return undefined;
  const uri = v['uri'] ?? '';
  const digest = v['digest'] ?? '';
  if (uri === '' || digest === '' || chainsDigest(digest) === undefined) return undefined;
  return { uri, digest };
}

function isRecord(v: ParamValue): v is Record<string, string> {
  return typeof v === 'object' && !Array.isArray(v);
}
