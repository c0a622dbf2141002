import { isProvenanceError } from '../../signer/errors.ts';
import { formatRepository, parseRepository, type RepositoryRef } from '../../signer/storage/oci/reference.ts';
import { admissionError } from '../errors.ts';

/** An image reference as a Pod spec writes it, taken apart. */
export interface ImageRef {
  /** As written. */
  written: string;
  /** As written, without tag and digest (`reg:5000/team/app`, `nginx`). */
  name: string;
  tag?: string;
  digest?: string;
  /** Where the registry client goes (`index.docker.io/library/nginx` for `nginx`). */
  repo: RepositoryRef;
  /** `registry/repository`: what policies' `images` globs match, with `name` and `written`. */
  canonical: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function parseImageRef(written: string): ImageRef {
  let rest = written.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw admissionError('BAD_IMAGE_REFERENCE', `image "${written}" has a digest that is not sha256:<64 hex>`);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  const tag = colon > slash ? rest.slice(colon + 1) : undefined;
  const name = tag === undefined ? rest : rest.slice(0, colon);
  let repo: RepositoryRef;
  try {
    repo = parseRepository(name);
  } catch (err) {
    throw admissionError('BAD_IMAGE_REFERENCE', isProvenanceError(err) ? err.message : `image "${written}" cannot be parsed`, err);
  }
  return { written, name, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}), repo, canonical: formatRepository(repo) };
}

/** `name[:tag]@digest`: what the mutating webhook writes back, so the tag stays readable. */
export function pinnedRef(ref: ImageRef, digest: string): string {
  return `${ref.name}${ref.tag ? `:${ref.tag}` : ''}@${digest}`;
}
