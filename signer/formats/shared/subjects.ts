import type { Subject } from '../../intoto/statement.ts';
import type { ParamValue, ResultValue } from '../../model/types.ts';
import { digestString, parseDigest } from './digest.ts';
import { parseImageRef } from './image-ref.ts';

/**
 * Subjects from PipelineRun results by Chains type hinting:
 * `<prefix>IMAGE_URL` + `<prefix>IMAGE_DIGEST` (paired by prefix), `IMAGES` (comma/newline list
 * of digest references), `<prefix>ARTIFACT_URI` + `<prefix>ARTIFACT_DIGEST`, and object results
 * `<prefix>ARTIFACT_OUTPUTS` `{uri, digest}`. Values are trimmed, tags dropped from image names,
 * digests lowercased and validated; invalid pairs are skipped; duplicates appear once.
 */
export function subjectsFromResults(results: readonly ResultValue[]): Subject[] {
  const byName = new Map(results.map((r) => [r.name, r.value]));
  const out = new SubjectList();
  for (const r of results) {
    if (r.name.endsWith('IMAGE_URL')) {
      const prefix = r.name.slice(0, -'IMAGE_URL'.length);
      imageSubject(out, str(r.value), str(byName.get(`${prefix}IMAGE_DIGEST`)));
    } else if (r.name === 'IMAGES') {
      for (const item of str(r.value).split(/[\n,]/)) imageSubject(out, item, undefined);
    } else if (r.name.endsWith('ARTIFACT_URI')) {
      const prefix = r.name.slice(0, -'ARTIFACT_URI'.length);
      artifactSubject(out, str(r.value), str(byName.get(`${prefix}ARTIFACT_DIGEST`)));
    } else if (r.name.endsWith('ARTIFACT_OUTPUTS') && isRecord(r.value)) {
      artifactSubject(out, r.value['uri'] ?? '', r.value['digest'] ?? '');
    }
  }
  return out.list;
}

/** `<prefix>ARTIFACT_INPUTS` object results `{uri, digest}`: inputs, used as materials. */
export function artifactInputs(results: readonly ResultValue[]): Subject[] {
  const out = new SubjectList();
  for (const r of results) {
    if (r.name.endsWith('ARTIFACT_INPUTS') && isRecord(r.value)) artifactSubject(out, r.value['uri'] ?? '', r.value['digest'] ?? '');
  }
  return out.list;
}

/** Every result name that is a type hint (so formats can tell subjects from byproducts). */
export function isTypeHintResult(name: string): boolean {
  return /(IMAGE_URL|IMAGE_DIGEST|ARTIFACT_URI|ARTIFACT_DIGEST|ARTIFACT_OUTPUTS|ARTIFACT_INPUTS)$/.test(name) || name === 'IMAGES';
}

function imageSubject(out: SubjectList, url: string, digest: string | undefined): void {
  const ref = parseImageRef(url);
  if (ref === undefined) return;
  const d = digest !== undefined && digest.trim() !== '' ? parseDigest(digest) : ref.digest;
  if (d === undefined) return;
  out.add({ name: ref.repository, digest: d });
}

function artifactSubject(out: SubjectList, uri: string, digest: string): void {
  const name = uri.trim();
  const d = parseDigest(digest);
  if (name === '' || d === undefined) return;
  out.add({ name, digest: d });
}

/** Insertion-ordered, deduplicated by name + digest. */
class SubjectList {
  readonly list: Subject[] = [];
  readonly #seen = new Set<string>();

  add(s: Subject): void {
    const key = `${s.name}@${digestString(s.digest)}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.list.push(s);
  }
}

function str(v: ParamValue | undefined): string {
  return typeof v === 'string' ? v : '';
}

function isRecord(v: ParamValue): v is Record<string, string> {
  return typeof v === 'object' && !Array.isArray(v);
}
