import type { DigestSet } from '../../intoto/statement.ts';
import type { ParamValue, TaskRunInfo, TektonRun } from '../../model/types.ts';
import { executedTaskRuns } from './executed.ts';
import { ARTIFACT_INPUTS, chainsDigest, str, structuredTargets } from './type-hints.ts';
import type { ResultValue } from '../../model/types.ts';

/** A SLSA v0.2 material; the v1.0 resolvedDependencies are built from the same blocks. */
export interface Material {
  uri: string;
  digest: DigestSet;
}

export const COMMIT_PARAM = 'CHAINS-GIT_COMMIT';
export const URL_PARAM = 'CHAINS-GIT_URL';

/**
 * Chains' PipelineMaterials (slsa/internal/material), used by in-toto/slsa/v1: the pipeline's
 * refSource, then per executed TaskRun (pipeline order) its step and sidecar images and its
 * task refSource, then the pipeline's type-hinted inputs (`pipelineInputs`). Merged as
 * Chains' AppendMaterials does.
 */
export function pipelineMaterials(run: TektonRun, deep: boolean): Material[] {
  // Collected first and merged once: the same result as merging step by step, in linear time.
  const items: Material[] = [];
  const src = run.pipelineRun.refSource;
  if (src) items.push({ uri: src.uri, digest: src.digest });
  for (const tr of executedTaskRuns(run)) {
    items.push(...imageMaterials(tr));
    if (tr.refSource) items.push({ uri: tr.refSource.uri, digest: tr.refSource.digest });
  }
  return appendMaterials(appendMaterials([], items), pipelineInputs(run, deep));
}

/**
 * Chains' FromPipelineParamsAndResults: `*ARTIFACT_INPUTS` results, then (deep inspection)
 * each executed TaskRun's inputs (`taskInputs`), then CHAINS-GIT_URL/COMMIT from the pipeline
 * param defaults, the PipelineRun params and its results (later wins).
 */
export function pipelineInputs(run: TektonRun, deep: boolean): Material[] {
  const pr = run.pipelineRun;
  const items = structuredInputs(pr.results);
  if (deep) for (const tr of executedTaskRuns(run)) items.push(...taskInputs(tr));
  const git = gitMaterial(pr.paramSpecs.map((s) => ({ name: s.name, value: s.default })), pr.params, pr.results);
  return appendMaterials(appendMaterials([], items), git ? [git] : []);
}

/** Chains' FromTaskParamsAndResults: CHAINS-GIT_* from task param defaults, TaskRun params, results; then `*ARTIFACT_INPUTS`. */
export function taskInputs(tr: TaskRunInfo): Material[] {
  const git = gitMaterial(tr.paramSpecs.map((s) => ({ name: s.name, value: s.default })), tr.params, tr.results);
  return appendMaterials(git ? [git] : [], structuredInputs(tr.results));
}

/** Chains' FromStepActionsResults (v2alpha4, deep inspection): CHAINS-GIT_* per step, then the steps' `*ARTIFACT_INPUTS`. */
export function stepActionInputs(tr: TaskRunInfo): Material[] {
  const out: Material[] = [];
  for (const step of tr.steps) {
    const git = gitMaterial(step.results);
    if (git) appendMaterials(out, [git]);
  }
  return appendMaterials(out, structuredInputs(tr.steps.flatMap((s) => s.results)));
}

/** Step then sidecar images as `oci://<image>` + digest (Chains' FromStepImages, FromSidecarImages). */
export function imageMaterials(tr: TaskRunInfo): Material[] {
  const out: Material[] = [];
  for (const id of [...tr.steps.map((s) => s.imageID), ...tr.sidecarImageIDs]) {
    const m = imageIdMaterial(id);
    if (m) appendMaterials(out, [m]);
  }
  return out;
}

/**
 * Chains' fromImageID: `<image>@<alg>:<hex>` with `docker-pullable://` removed, kept as the
 * kubelet wrote it (no name normalisation, as Chains). Chains fails the whole attestation on
 * an imageID without a digest; such an image is left out here instead (docs/formats.md).
 */
export function imageIdMaterial(imageID: string): Material | undefined {
  const parts = imageID.split('@');
  const digest = (parts[1] ?? '').split(':');
  if (parts.length !== 2 || digest.length !== 2) return undefined;
  const uri = (parts[0] ?? '').replace(/^docker-pullable:\/\//, '');
  return { uri: `oci://${uri}`, digest: { [digest[0] ?? '']: digest[1] ?? '' } };
}

/** `oci://<image>@<alg>:<hex>` for a step's environment (Chains' attest.Step). */
export function stepImage(imageID: string): string {
  return `oci://${imageID.replace(/^docker-pullable:\/\//, '')}`;
}

type Named = { name: string; value: ParamValue | undefined };

/**
 * CHAINS-GIT_URL/COMMIT, later sources winning: `{"uri": "git+<url>.git", "digest": {"sha1":
 * <commit>}}` with the URL in SPDX form (`git+` and `.git` added only when missing, so a URL
 * already starting with `git+` is not prefixed twice). Values are taken as written, as Chains.
 */
export function gitMaterial(...sources: readonly Named[][]): Material | undefined {
  let url = '';
  let commit = '';
  for (const list of sources) {
    for (const p of list) {
      if (p.name === URL_PARAM) url = str(p.value);
      if (p.name === COMMIT_PARAM) commit = str(p.value);
    }
  }
  if (url === '' || commit === '') return undefined;
  return { uri: spdxGit(url), digest: { sha1: commit } };
}

/** Chains' attest.SPDXGit without a revision. */
export function spdxGit(url: string): string {
  const prefixed = url.startsWith('git+') ? url : `git+${url}`;
  return prefixed.endsWith('.git') ? prefixed : `${prefixed}.git`;
}

/** Chains' RetrieveMaterialsFromStructuredResults over `*ARTIFACT_INPUTS`. */
export function structuredInputs(results: readonly ResultValue[]): Material[] {
  return structuredTargets(results, ARTIFACT_INPUTS).map((t) => ({ uri: t.uri, digest: chainsDigest(t.digest) as DigestSet }));
}

/**
 * Chains' AppendMaterials: an item with the URI of a listed material and at least one equal
 * algorithm:hex merges its digests into it; others are appended. Mutates and returns `list`.
 */
export function appendMaterials(list: Material[], items: readonly Material[]): Material[] {
  // Indexed by URI so thousands of TaskRuns stay linear (Chains scans the whole list per item).
  const byUri = new Map<string, Material[]>();
  for (const m of list) byUri.set(m.uri, [...(byUri.get(m.uri) ?? []), m]);
  for (const item of items) {
    const same = byUri.get(item.uri)?.find((m) => Object.entries(m.digest).some(([alg, hex]) => item.digest[alg] === hex));
    if (same) {
      same.digest = { ...same.digest, ...item.digest };
      continue;
    }
    const added = { uri: item.uri, digest: { ...item.digest } };
    list.push(added);
    byUri.set(item.uri, [...(byUri.get(item.uri) ?? []), added]);
  }
  return list;
}
