import type { DigestSet, Subject } from '../../intoto/statement.ts';
import type { ResultValue, TektonRun } from '../../model/types.ts';
import { executedTaskRuns } from './executed.ts';
import { parseImageDigest } from './image-ref.ts';
import { ARTIFACT_OUTPUTS, IMAGE_DIGEST, IMAGE_URL, IMAGES, buildArtifacts, chainsDigest, pairedTargets, str, structuredTargets, type Target } from './type-hints.ts';

/**
 * Subjects as Chains finds them (tektoncd/chains pkg/chains/formats/slsa/extract). Two rule
 * sets exist there and both are kept:
 * - `typeHintSubjects` (extract.SubjectDigests: in-toto/slsa/v1, slsa/v2alpha3, tekton):
 *   images, `*ARTIFACT_URI`/`*ARTIFACT_DIGEST` and every valid `*ARTIFACT_OUTPUTS`;
 * - `buildArtifactSubjects` (SubjectsFromBuildArtifact: slsa/v2alpha4): `*ARTIFACT_OUTPUTS`
 *   only with `isBuildArtifact: "true"`, then images.
 * Images are `*IMAGE_URL`/`*IMAGE_DIGEST`, `IMAGES` and build-artifact outputs read as image
 * references, named as go-containerregistry names them (`abc` -> `index.docker.io/library/abc`).
 */
export function typeHintSubjects(results: readonly ResultValue[]): Subject[] {
  const uriPairs = pairedTargets(results, 'ARTIFACT_URI', 'ARTIFACT_DIGEST').filter((t) => chainsDigest(t.digest) !== undefined);
  return appendSubjects([], [...ociImages(results), ...uriPairs.map(targetSubject), ...structuredTargets(results, ARTIFACT_OUTPUTS).map(targetSubject)]);
}

export function buildArtifactSubjects(results: readonly ResultValue[]): Subject[] {
  return appendSubjects([], [...buildArtifacts(results).map(targetSubject), ...ociImages(results)]);
}

/**
 * A PipelineRun's subjects under `typeHintSubjects`. With deep inspection Chains reads every
 * executed TaskRun first (pipeline order), then the PipelineRun's own results.
 */
export function runSubjects(run: TektonRun, deep: boolean): Subject[] {
  const own = typeHintSubjects(run.pipelineRun.results);
  if (!deep) return own;
  return appendSubjects([], [...executedTaskRuns(run).flatMap((tr) => typeHintSubjects(tr.results)), ...own]);
}

/** v2alpha4: the PipelineRun's build artifacts, then (deep) each executed TaskRun's step results and results. */
export function runBuildArtifactSubjects(run: TektonRun, deep: boolean): Subject[] {
  const own = buildArtifactSubjects(run.pipelineRun.results);
  if (!deep) return own;
  const fromTasks = executedTaskRuns(run).flatMap((tr) => [...tr.steps.flatMap((step) => buildArtifactSubjects(step.results)), ...buildArtifactSubjects(tr.results)]);
  return appendSubjects(own, fromTasks);
}

/**
 * Chains' AppendSubjects: an item with the same name as a listed subject and at least one
 * equal algorithm:hex merges its digests into it; others are appended. Mutates and returns `list`.
 */
export function appendSubjects(list: Subject[], items: readonly Subject[]): Subject[] {
  // Indexed by name so many TaskRuns stay linear (Chains scans the whole list per item).
  const byName = new Map<string, Subject[]>();
  for (const s of list) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  for (const item of items) {
    const same = byName.get(item.name)?.find((s) => Object.entries(s.digest).some(([alg, hex]) => item.digest[alg] === hex));
    if (same) {
      same.digest = { ...same.digest, ...item.digest };
      continue;
    }
    const added = { name: item.name, digest: { ...item.digest } };
    list.push(added);
    byName.set(item.name, [...(byName.get(item.name) ?? []), added]);
  }
  return list;
}

/** Chains' ExtractOCIImagesFromResults: each image once (by name@digest), in the order found. */
function ociImages(results: readonly ResultValue[]): Subject[] {
  const refs: string[] = pairedTargets(results, IMAGE_URL, IMAGE_DIGEST).map((t) => `${t.uri}@${t.digest}`);
  for (const r of results) {
    if (r.name !== IMAGES) continue;
    for (const item of str(r.value).split(/[\n,]/)) if (item.trim() !== '') refs.push(item.trim());
  }
  refs.push(...buildArtifacts(results).map((t) => `${t.uri}@${t.digest}`));
  const seen = new Set<string>();
  const out: Subject[] = [];
  for (const ref of refs) {
    const d = parseImageDigest(ref);
    if (d === undefined) continue;
    const key = `${d.repository}@sha256:${d.digest['sha256'] ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ name: d.repository, digest: d.digest });
  }
  return out;
}

/** `{uri, digest}` as a subject: the URI as written, the digest as Chains parses it. */
function targetSubject(t: Target): Subject {
  return { name: t.uri, digest: chainsDigest(t.digest) as DigestSet };
}
