/** Dispatch of PATCH bodies by Content-Type, as the apiserver does (apply is handled by the verbs). */
import { parse as parseYaml } from 'yaml';
import { checkDepth } from '../body-limits.ts';
import { KubeApiError, badRequest, unsupportedMediaType } from '../status.ts';
import { applyJsonPatch, JsonPatchError, parseJsonPatch } from './json-patch.ts';
import { applyMergePatch } from './merge-patch.ts';
import { applyStrategicMergePatch } from './strategic-merge.ts';

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

export type PatchKind = keyof typeof PATCH_TYPES;

export function patchKind(contentType: string | undefined): PatchKind {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  for (const [kind, type] of Object.entries(PATCH_TYPES)) if (type === media) return kind as PatchKind;
  throw unsupportedMediaType(media);
}

export function parsePatchBody(kind: PatchKind, raw: string): unknown {
  let body: unknown;
  try {
    // YAML is a superset of JSON, so apply bodies sent as JSON parse too. maxAliasCount bounds
    // alias expansion ("billion laughs").
    body = kind === 'apply' ? parseYaml(raw, { maxAliasCount: 100 }) : JSON.parse(raw);
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
  checkDepth(body);
  return body;
}

/** Applies a non-apply patch to `current`; a JSON patch error is 422 as in the apiserver. */
export function applyPatch(kind: Exclude<PatchKind, 'apply'>, current: unknown, body: unknown): unknown {
  try {
    if (kind === 'json') return applyJsonPatch(current, parseJsonPatch(body));
    if (kind === 'merge') return applyMergePatch(current, body);
    return applyStrategicMergePatch(current, body);
  } catch (err) {
    if (err instanceof JsonPatchError) throw new KubeApiError(422, 'Invalid', err.message);
    throw err;
  }
}
