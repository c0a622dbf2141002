import type { DigestSet } from '../../intoto/statement.ts';
import type { ParamValue, RefSource, TektonRun } from '../../model/types.ts';
import { digestString } from './digest.ts';
import { parseImageRef } from './image-ref.ts';
import { artifactInputs } from './subjects.ts';

/** A SLSA v0.2 material; SLSA v1.0 resolvedDependencies are built from the same list. */
export interface Material {
  uri: string;
  digest: DigestSet;
  /** Why it is a material (v1.0 `name`): pipeline, pipelineTask, inputs/result, or unset for images. */
  kind?: 'pipeline' | 'pipelineTask' | 'inputs/result';
}

export const COMMIT_PARAM = 'CHAINS-GIT_COMMIT';
export const URL_PARAM = 'CHAINS-GIT_URL';

/**
 * Materials as Chains' PipelineMaterials builds them: the pipeline's refSource, then per
 * executed TaskRun its step (and sidecar) images as `oci://` and its task refSource (v1.0
 * resolvedDependencies put the task source first, as Chains does), then the pipeline's
 * CHAINS-GIT_URL/COMMIT and `*ARTIFACT_INPUTS`. Duplicates appear once.
 */
export function materials(run: TektonRun, opts: { taskSourceFirst?: boolean } = {}): Material[] {
  const pr = run.pipelineRun;
  const out: Material[] = [];
  if (pr.refSource) out.push(refSourceMaterial(pr.refSource, 'pipeline'));
  for (const tr of run.taskRuns) {
    const source = tr.refSource ? [refSourceMaterial(tr.refSource, 'pipelineTask')] : [];
    const images: Material[] = [];
    for (const imageID of [...tr.steps.map((s) => s.imageID), ...tr.sidecarImageIDs]) {
      const m = imageMaterial(imageID);
      if (m) images.push(m);
    }
    out.push(...(opts.taskSourceFirst ? [...source, ...images] : [...images, ...source]));
  }
  const git = gitMaterial(pr.paramSpecs.map((s) => ({ name: s.name, value: s.default })), pr.params, pr.results);
  if (git) out.push(git);
  for (const a of artifactInputs(pr.results)) out.push({ uri: a.name, digest: a.digest, kind: 'inputs/result' });
  return dedupe(out);
}

/** `oci://<repository>` + digest from a kubelet imageID; undefined when it carries no digest. */
export function imageMaterial(imageID: string): Material | undefined {
  const ref = parseImageRef(imageID);
  if (ref?.digest === undefined) return undefined;
  return { uri: `oci://${ref.repository}`, digest: ref.digest };
}

/** `oci://<repository>@<alg>:<hex>` for step environments; the raw imageID when unpinned. */
export function pinnedImage(imageID: string): string {
  const ref = parseImageRef(imageID);
  return ref?.digest ? `oci://${ref.repository}@${digestString(ref.digest)}` : imageID;
}

type Named = { name: string; value: ParamValue | undefined };

/** CHAINS-GIT_URL/COMMIT: param defaults, then params, then results (later wins), as Chains. */
export function gitMaterial(...sources: readonly Named[][]): Material | undefined {
  let url = '';
  let commit = '';
  for (const list of sources) {
    for (const p of list) {
      if (typeof p.value !== 'string') continue;
      if (p.name === URL_PARAM) url = p.value.trim();
      if (p.name === COMMIT_PARAM) commit = p.value.trim().toLowerCase();
    }
  }
  if (url === '' || commit === '') return undefined;
  // Chains always appends `.git`; a URL that already ends in .git keeps one suffix.
  const repo = url.endsWith('.git') ? url : `${url}.git`;
  return { uri: `git+${repo}`, digest: { sha1: commit }, kind: 'inputs/result' };
}

function refSourceMaterial(src: RefSource, kind: 'pipeline' | 'pipelineTask'): Material {
  return { uri: src.uri, digest: src.digest, kind };
}

export function dedupe(list: Material[]): Material[] {
  const seen = new Set<string>();
  return list.filter((m) => {
    const key = `${m.uri}@${JSON.stringify(m.digest)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
